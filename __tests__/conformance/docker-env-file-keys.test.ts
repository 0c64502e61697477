/**
 * EnvFileKeys against a real Docker engine: the custom.env jobs synthesized for the bundled
 * environments (PBX, MDS, XiVO CC and UC-Addon files) are run as kreuzwerker/docker 3.6.2
 * applies them, with busybox's own sh and awk, on a custom.env that XiVO's installers and an
 * operator already wrote. Foreign lines must survive byte for byte, our keys be updated, a
 * backup kept, mode 0600, and a second run change nothing.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JOB_VALUES } from '../../constructs/env-file-keys';
import { SharedToken } from '../../constructs/shared-token';
import { DockerEngine, dockerRunEnv, startDockerd, TEST_APPLETS_IMAGE } from '../support/docker-engine';
import { envFileEntries } from '../support/docker-host-file';
import { JobRun, runJob } from '../support/docker-job';
import { describeWithPrograms } from '../support/programs';
import { resources, synthEnvironments } from '../support/synth';

jest.setTimeout(60_000);

const TEST_LABEL = 'org.xivo.conformance-test';
const TEST_LABEL_VALUE = 'docker-env-file-keys';
const TOKEN = `xivo.cdktf_test~token-${randomBytes(16).toString('hex')}`;
const IS_ROOT = process.getuid?.() === 0;
const NEEDS_ROOT = 'it reads back files the engine writes root-owned with mode 0600, as on a real host: run it as root';

/** What XiVO's installers and an operator leave in a custom.env before our first deploy. */
const SEEDED = [
  '# Written by the XiVO installer',
  'USM_BACKEND_TOKEN=f00d-install-script-2025.05',
  '',
  '   # an operator comment, indented, with trailing spaces   ',
  'XIVO_HOST=10.0.0.1',
  'LOGIN_TIMEOUT_MS=9000',
  'OPERATOR_NOTE=value with spaces = and equals ',
  '#PLAY_AUTH_TOKEN=commented-out-old-token',
  '',
].join('\n');
const FACTORY = 'USM_BACKEND_URL=https://usm.example.com\n';

describeWithPrograms(
  'Docker engine: custom.env managed key by key',
  { dockerd: 'docker.io', docker: 'docker.io', '/bin/busybox': 'busybox-static' },
  () => {
    if (!IS_ROOT && process.env.CI !== 'true') {
      console.warn(`Skipping the Docker custom.env conformance test: ${NEEDS_ROOT}`);
      test.skip('needs root', () => undefined);
      return;
    }
    const output = synthEnvironments();
    const jobs = output.stacks
      .sort()
      .flatMap((stack) => resources(output.json(stack), 'docker_container').map(([, c]) => ({ stack, config: c })))
      .filter(({ config }) => config.labels.some((l: { label: string; value: string }) => l.label === 'org.xivo.job' && l.value === 'env-file-keys'));
    const hostFile = (config: Record<string, any>): string => config.labels.find((l: { label: string }) => l.label === 'org.xivo.host-file').value;
    // One job per kind of file: the PBX's, an MDS's, the CC's and the UC-Addon's.
    const cases = ['prod-pbx', 'prod-mds1', 'prod-cc-core', 'prod-uc'].map((stack) => {
      const job = jobs.find((j) => j.stack === stack);
      if (!job) throw new Error(`no custom.env job in ${stack}`);
      return [`${stack} ${hostFile(job.config)}`, job.config] as const;
    });
    let engine: DockerEngine;
    let tmp: string;

    beforeAll(async () => {
      if (!IS_ROOT) throw new Error(NEEDS_ROOT);
      startDockerd();
      engine = DockerEngine.local();
      await engine.removeLabelled(`${TEST_LABEL}=${TEST_LABEL_VALUE}`);
      await engine.ensureAppletsImage();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-docker-env-file-keys-'));
    }, 120_000);

    afterEach(() => engine?.removeLabelled(`${TEST_LABEL}=${TEST_LABEL_VALUE}`));

    afterAll(() => {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(path.dirname(output.outdir), { recursive: true, force: true });
    });

    /** Runs a job (its container named with `prefix`) on the host `root`, as a deploy does. */
    const replay = (config: Record<string, any>, root: string, token = TOKEN, prefix = 'xivo-cdktf-test-'): Promise<JobRun> =>
      runJob(config, {
        engine,
        hostRoot: root,
        image: TEST_APPLETS_IMAGE,
        variables: { [SharedToken.VARIABLE_NAME]: token },
        namePrefix: prefix,
        extraLabels: { [TEST_LABEL]: TEST_LABEL_VALUE },
      });
    /** Runs a job on the host `root`, as a deploy does; the job must succeed. */
    const deploy = async (config: Record<string, any>, root: string, token = TOKEN): Promise<JobRun> => {
      const run = await replay(config, root, token);
      expect({ exitCode: run.exitCode, logs: run.logs }).toEqual({ exitCode: 0, logs: expect.any(String) });
      await engine.call('DELETE', `/containers/${run.containerId}?v=1&force=1`);
      return run;
    };
    /** The job with its managed values replaced (a later version of the environment). */
    const withValues = (config: Record<string, any>, values: string): Record<string, any> => ({
      ...config,
      upload: config.upload.map((u: { file: string }) => (u.file === JOB_VALUES ? { ...u, content: values } : u)),
    });
    const managedValues = (config: Record<string, any>, token = TOKEN): Map<string, string> =>
      envFileEntries(
        config.upload.find((u: { file: string }) => u.file === JOB_VALUES).content.replace(`\${var.${SharedToken.VARIABLE_NAME}}`, token),
      );
    const seed = (root: string, file: string) => {
      const local = path.join(root, file);
      fs.mkdirSync(path.dirname(local), { recursive: true });
      fs.writeFileSync(local, SEEDED, { mode: 0o644 });
      fs.writeFileSync(path.join(path.dirname(local), 'factory.env'), FACTORY, { mode: 0o644 });
      return local;
    };
    const backups = (local: string) =>
      fs
        .readdirSync(path.dirname(local))
        .filter((f) => f.startsWith(`${path.basename(local)}.backup-`))
        .sort();

    test('the PBX, MDS, CC and UC-Addon files are all managed by the same job', () => {
      expect(cases.map(([name]) => name)).toEqual([
        'prod-pbx /etc/docker/xivo/custom.env',
        'prod-mds1 /etc/docker/mds/custom.env',
        'prod-cc-core /etc/docker/compose/custom.env',
        'prod-uc /etc/docker/compose/custom.env',
      ]);
    });

    test.each(cases)('%s: foreign lines kept byte for byte, our keys set, backup, 0600; a second deploy changes nothing', async (name, config) => {
      const root = path.join(tmp, name.replace(/[^A-Za-z0-9]+/g, '_'));
      const local = seed(root, hostFile(config));
      const managed = managedValues(config);
      expect(managed.get(SharedToken.ENV_NAME)).toBe(TOKEN);

      await deploy(config, root);
      const after = fs.readFileSync(local, 'utf8');
      const seededLines = SEEDED.split('\n').slice(0, -1);
      const isManaged = (line: string) => managed.has(line.split('=')[0]);
      // Every line that is not one of our keys, in its order and unchanged...
      expect(after.split('\n').filter((l) => !isManaged(l))).toEqual([...seededLines.filter((l) => !isManaged(l)), '']);
      // ...our keys updated in place (XIVO_HOST) or appended (the others), once each.
      expect(after.split('\n').indexOf(`XIVO_HOST=${managed.get('XIVO_HOST')}`)).toBe(seededLines.indexOf('XIVO_HOST=10.0.0.1'));
      const entries = envFileEntries(after);
      for (const [key, value] of managed) expect(entries.get(key)).toBe(value);
      expect(entries.get('USM_BACKEND_TOKEN')).toBe('f00d-install-script-2025.05');
      // Docker's own parser reads the result.
      const seen = await dockerRunEnv(local);
      expect(Object.fromEntries([...entries.keys()].map((k) => [k, seen.get(k)]))).toEqual(Object.fromEntries(entries));
      expect(fs.statSync(local).mode & 0o7777).toBe(0o600);
      // The previous file is kept next to it, 0600 (it may hold a token); factory.env untouched.
      const [backup, ...more] = backups(local);
      expect(more).toEqual([]);
      expect(backup).toMatch(/^custom\.env\.backup-\d{8}T\d{6}Z$/);
      expect(fs.readFileSync(path.join(path.dirname(local), backup), 'utf8')).toBe(SEEDED);
      expect(fs.statSync(path.join(path.dirname(local), backup)).mode & 0o7777).toBe(0o600);
      expect(fs.readFileSync(path.join(path.dirname(local), 'factory.env'), 'utf8')).toBe(FACTORY);

      // Second deploy with the same values: same bytes, same inode and mtime, no new backup.
      const before = fs.statSync(local);
      const again = await deploy(config, root);
      expect(again.logs).toContain('unchanged');
      expect(fs.readFileSync(local, 'utf8')).toBe(after);
      expect([fs.statSync(local).ino, fs.statSync(local).mtimeMs]).toEqual([before.ino, before.mtimeMs]);
      expect(backups(local)).toEqual([backup]);
    });

    test('a new token changes only its own line; the previous file is backed up', async () => {
      const [, config] = cases[0];
      const root = path.join(tmp, 'rotation');
      const local = seed(root, hostFile(config));
      await deploy(config, root);
      const first = fs.readFileSync(local, 'utf8');
      const rotated = 'b'.repeat(40);
      await deploy(config, root, rotated);
      const second = fs.readFileSync(local, 'utf8');
      const changed = second.split('\n').filter((line, i) => line !== first.split('\n')[i]);
      expect(changed).toEqual([`PLAY_AUTH_TOKEN=${rotated}`]);
      expect(backups(local)).toHaveLength(2);
      expect(fs.readFileSync(path.join(path.dirname(local), backups(local)[1]), 'utf8')).toBe(first);
    });

    test('the backup keeps the original mtime at 0600, and every run re-asserts 0600 on the backups', async () => {
      const [, config] = cases[0];
      const root = path.join(tmp, 'backup-mode');
      const local = seed(root, hostFile(config));
      const seededAt = new Date('2024-01-02T03:04:05Z');
      fs.utimesSync(local, seededAt, seededAt);
      await deploy(config, root);
      const [backup] = backups(local);
      const file = path.join(path.dirname(local), backup);
      expect(fs.statSync(file).mtime.toISOString()).toBe(seededAt.toISOString());
      // A backup left readable (by hand, or by a version that copied the mode): the next run, with nothing to change, makes it 0600.
      fs.chmodSync(file, 0o644);
      const again = await deploy(config, root);
      expect(again.logs).toContain('unchanged');
      expect(fs.statSync(file).mode & 0o7777).toBe(0o600);
      expect(fs.readFileSync(file, 'utf8')).toBe(SEEDED);
    });

    test('a key we stop managing is removed only if we added it', async () => {
      const [, config] = cases[0];
      const root = path.join(tmp, 'unmanage');
      const local = seed(root, hostFile(config));
      await deploy(config, root);
      expect(envFileEntries(fs.readFileSync(local, 'utf8')).has(SharedToken.ENV_NAME)).toBe(true);
      // XIVO_HOST was the installer's (we only updated it); PLAY_AUTH_TOKEN was added by us.
      await deploy(withValues(config, 'OTHER_KEY=1\n'), root);
      const entries = envFileEntries(fs.readFileSync(local, 'utf8'));
      expect(entries.has(SharedToken.ENV_NAME)).toBe(false);
      expect(entries.get('XIVO_HOST')).toBe(managedValues(config).get('XIVO_HOST'));
      expect(entries.get('OTHER_KEY')).toBe('1');
      expect(entries.get('USM_BACKEND_TOKEN')).toBe('f00d-install-script-2025.05');
    });

    test('on a fresh host the file is created, 0600, without a backup', async () => {
      const [, config] = cases[2];
      const root = path.join(tmp, 'fresh');
      await deploy(config, root);
      const local = path.join(root, hostFile(config));
      expect(envFileEntries(fs.readFileSync(local, 'utf8'))).toEqual(managedValues(config));
      expect(fs.statSync(local).mode & 0o7777).toBe(0o600);
      expect(backups(local)).toEqual([]);
    });

    test('the job runs with no capability and no privilege gain: root only as the owner of the files', async () => {
      const [, config] = cases[0];
      const root = path.join(tmp, 'capabilities');
      seed(root, hostFile(config));
      // The job's own container settings, with the script swapped for a look at its process.
      const probe = await replay(
        { ...config, entrypoint: ['/bin/sh', '-c', 'grep -E "^(CapEff|CapBnd|NoNewPrivs):" /proc/self/status; touch /host/written-as-owner'] },
        root,
      );
      expect(probe.exitCode).toBe(0);
      expect(
        probe.logs
          .split('\n')
          .filter(Boolean)
          .map((l) => l.replace(/\s+/g, ' ')),
      ).toEqual(['CapEff: 0000000000000000', 'CapBnd: 0000000000000000', 'NoNewPrivs: 1']);
      expect(fs.existsSync(path.join(root, path.dirname(hostFile(config)), 'written-as-owner'))).toBe(true);
      // A directory root does not own is out of reach without CAP_DAC_OVERRIDE, although the job runs as uid 0.
      const foreign = path.join(root, 'etc/foreign');
      fs.mkdirSync(foreign, { recursive: true, mode: 0o755 });
      fs.chownSync(foreign, 4242, 4242);
      const denied = await replay(
        { ...config, entrypoint: ['/bin/sh', '-c', 'touch /host/x'], volumes: [{ host_path: '/etc/foreign', container_path: '/host' }] },
        root,
        TOKEN,
        'xivo-cdktf-test-denied-',
      );
      expect({ exitCode: denied.exitCode, logs: denied.logs }).toEqual({ exitCode: 1, logs: expect.stringContaining('Permission denied') });
    });

    test('a job pointed at factory.env fails, leaving it untouched', async () => {
      const [, config] = cases[0];
      const root = path.join(tmp, 'factory');
      const local = seed(root, hostFile(config));
      const factory = path.join(path.dirname(local), 'factory.env');
      const run = await replay(
        { ...config, entrypoint: config.entrypoint.map((a: string) => a.replace('/host/custom.env', '/host/factory.env')) },
        root,
      );
      expect(run.exitCode).toBe(2);
      expect(run.logs).toContain('factory.env belongs to XiVO');
      expect(fs.readFileSync(factory, 'utf8')).toBe(FACTORY);
    });
  },
);
