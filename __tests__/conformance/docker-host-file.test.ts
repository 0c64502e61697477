/**
 * HostFile against a real Docker engine: every never-started writer container synthesized
 * for the bundled environments is replayed as kreuzwerker/docker 3.6.2 applies it (create
 * with a bind mount, upload, no start); the file must land on the host with the exact
 * content and mode, and Docker's own `--env-file` parser must read every custom.env back.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SharedToken, TOKEN_CHARSET, TOKEN_MIN_LENGTH } from '../../constructs/shared-token';
import { DockerEngine, dockerRunEnv, startDockerd, TEST_IMAGE } from '../support/docker-engine';
import { callsFunctions, envFileEntries, hostFileWriters, HostFileWriter, replayWriter, ReplayOptions } from '../support/docker-host-file';
import { describeWithPrograms } from '../support/programs';
import { synthEnvironments } from '../support/synth';

jest.setTimeout(30_000);

const TEST_LABEL = 'org.xivo.conformance-test';
const TEST_LABEL_VALUE = 'docker-host-file';
/** Uses every character a token may hold (see SharedToken.TOKEN_CHARSET). */
const TOKEN = `xivo.cdktf_test~token-${randomBytes(16).toString('hex')}`;
const IS_ROOT = process.getuid?.() === 0;
const NEEDS_ROOT = 'it reads back files the engine writes root-owned with mode 0600, as on a real host: run it as root';

describeWithPrograms(
  'Docker engine: HostFile writers of the bundled environments',
  { dockerd: 'docker.io', docker: 'docker.io', '/bin/busybox': 'busybox-static' },
  () => {
    if (!IS_ROOT && process.env.CI !== 'true') {
      console.warn(`Skipping the Docker HostFile conformance test: ${NEEDS_ROOT}`);
      test.skip('needs root', () => undefined);
      return;
    }
    // Synthesized while collecting: the writers name the tests.
    const output = synthEnvironments();
    const uploads = (w: HostFileWriter): string[] => (w.config.upload ?? []).map((u: Record<string, string>) => u.content ?? u.content_base64);
    // Writers whose content Terraform computes from plan-time files (provided certificates,
    // absent from the repository) are left out; the test below names them, so none slips out unseen.
    const allWriters = hostFileWriters(output);
    const planTimeFileWriters = allWriters.filter((w) => uploads(w).some(callsFunctions));
    const writers = allWriters.filter((w) => !planTimeFileWriters.includes(w));
    let engine: DockerEngine;
    let tmp: string;

    /** The HostFile path, from the label HostFile puts on its writer. */
    const hostFile = (w: HostFileWriter): string | undefined =>
      w.config.labels?.find((l: { label: string }) => l.label === 'org.xivo.host-file')?.value;
    const optionsFor = (writer: HostFileWriter, token = TOKEN): ReplayOptions => ({
      engine,
      // One host per writer: writers of one stack may share a directory (nginx ssl/).
      hostRoot: path.join(tmp, writer.constructPath.replace(/\//g, '_')),
      image: TEST_IMAGE,
      variables: { [SharedToken.VARIABLE_NAME]: token },
      // Certificates, keys and CSRs come from the tls provider at apply: a PEM-shaped stand-in.
      attribute: (reference) => `-----BEGIN TEST PEM-----\n${Buffer.from(reference).toString('base64')}\n-----END TEST PEM-----\n`,
      namePrefix: 'xivo-cdktf-test-',
      extraLabels: { [TEST_LABEL]: TEST_LABEL_VALUE },
    });

    beforeAll(async () => {
      if (!IS_ROOT) throw new Error(NEEDS_ROOT);
      startDockerd();
      engine = DockerEngine.local();
      await engine.removeLabelled(`${TEST_LABEL}=${TEST_LABEL_VALUE}`);
      await engine.ensureTestImage();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-docker-host-file-'));
    }, 60_000);

    // Writers of different stacks share names (they target different hosts): remove each test's.
    afterEach(() => engine?.removeLabelled(`${TEST_LABEL}=${TEST_LABEL_VALUE}`));

    afterAll(() => {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(path.dirname(output.outdir), { recursive: true, force: true });
    });

    test('the test token is one SharedToken accepts', () => {
      expect(TOKEN).toMatch(new RegExp(`^[${TOKEN_CHARSET}]{${TOKEN_MIN_LENGTH},}$`));
    });

    test('only the provided certificate files of the corp environment are computed from plan-time files', () => {
      expect(planTimeFileWriters.map((w) => `${w.stack} ${hostFile(w)}`)).toEqual([
        'corp-cc /etc/docker/nginx/ssl/xivoxc.crt',
        'corp-cc /etc/docker/nginx/ssl/xivoxc.key',
      ]);
    });

    test('custom.env files are not HostFiles: they are managed key by key (docker-env-file-keys.test.ts)', () => {
      const written = writers.map((w) => `${w.stack} ${hostFile(w)}`);
      expect(written.filter((w) => w.endsWith('custom.env'))).toEqual([]);
      expect(written).toEqual(expect.arrayContaining(['prod-pbx /usr/share/xivo-certs/server.crt', 'prod-cc-core /etc/docker/nginx/ssl/xivoxc.crt']));
    });

    test.each(writers.map((w) => [w.constructPath, w] as const))(
      '%s: written on the host, never started, read back by docker --env-file',
      async (_name, writer) => {
        const options = optionsFor(writer);
        // A fresh host has no /etc/docker/<role>: the engine creates the bind-mounted directory.
        expect(fs.existsSync(path.join(options.hostRoot, path.posix.dirname(hostFile(writer)!)))).toBe(false);
        const replayed = await replayWriter(writer, options);
        // The upload lands in the bind mount (on the host, where HostFile says), not in the container's layer.
        expect(replayed.files.map((f) => f.hostPath)).toEqual([hostFile(writer)]);

        for (const file of replayed.files) {
          const stat = fs.statSync(file.localPath!);
          expect(fs.readFileSync(file.localPath!)).toEqual(file.content);
          expect((stat.mode & 0o7777).toString(8)).toBe(file.mode.toString(8));
          expect([stat.uid, stat.gid]).toEqual([0, 0]); // root-owned, as the engine writes it
        }

        const state = (await engine.call('GET', `/containers/${replayed.containerId}/json`)).State;
        expect({ status: state.Status, startedAt: state.StartedAt }).toEqual({ status: 'created', startedAt: '0001-01-01T00:00:00Z' });

        for (const file of replayed.files.filter((f) => f.hostPath!.endsWith('.env'))) {
          const expected = envFileEntries(file.content.toString('utf8'));
          expect(expected.get(SharedToken.ENV_NAME)).toBe(TOKEN);
          const seen = await dockerRunEnv(file.localPath!);
          expect(Object.fromEntries([...expected.keys()].map((key) => [key, seen.get(key)]))).toEqual(Object.fromEntries(expected));
        }
      },
    );

    test('new content replaces the writer, which rewrites the file; removing a writer leaves the file', async () => {
      const writer = writers.find((w) => hostFile(w) === '/etc/docker/nginx/ssl/xivoxc.key' && w.stack === 'lab-allinone')!;
      expect(writer).toBeDefined();
      const first = await replayWriter(writer, optionsFor(writer));
      // Terraform replaces the container (destroy, then create): the file outlives the destroy...
      await engine.call('DELETE', `/containers/${first.containerId}?v=1&force=1`);
      const file = first.files[0].localPath!;
      expect(fs.readFileSync(file)).toEqual(first.files[0].content);
      // ...and the new writer (a re-issued key) overwrites it, mode included.
      fs.chmodSync(file, 0o644);
      const reissued = '-----BEGIN TEST PEM-----\nre-issued\n-----END TEST PEM-----\n';
      const second = await replayWriter(writer, { ...optionsFor(writer), attribute: () => reissued });
      expect(fs.readFileSync(file, 'utf8')).toBe(reissued);
      expect(second.files[0].content.toString('utf8')).toBe(reissued);
      expect(fs.statSync(file).mode & 0o7777).toBe(0o600);
    });
  },
);
