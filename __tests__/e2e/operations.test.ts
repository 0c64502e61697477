/**
 * The operator's year after day one, on two test hosts (a PBX and a XiVO CC whose database is a
 * real PostgreSQL: Debian's server in a locally built image, scripts/e2e/postgres-image.sh):
 *
 * - backup and restore: rows written in the database and files in the recordings volume, `npm run
 *   backup`, the data destroyed, `npm run restore`, then both compared byte for byte; retention;
 * - drift: a clean estate reports none (exit 0); each kind of hand edit (a container edited,
 *   stopped, removed; a managed custom.env key edited; a host file changed) is found and named
 *   (exit 2); an unreachable host is "could not check" (exit 1);
 * - upgrade: 2024.05 → 2024.10 with stand-in images for both tags: a backup first, containers
 *   replaced tier by tier (PBX, then CC), data kept, a second plan empty; then an upgrade to a
 *   release whose CC images do not start: it stops after the PBX tier with a rollback command,
 *   which brings the estate back.
 *
 * Costly (about 3 minutes): `npm run test:e2e` (root, Go, docker.io, postgresql).
 */
import { spawnSync } from 'child_process';
import { createHash, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  buildImageTarballs,
  buildTools,
  deployCommand,
  deployEnv,
  docker,
  E2E_REQUIREMENTS,
  hostsDown,
  hostsUp,
  pinnedHelperImage,
  containers,
  planStack,
  isRoot,
  progress,
  platformSecrets,
  REPO,
  TestHost,
  Tools,
  WORK,
} from './harness';
import { writeReportSection } from './report';
import { importStackStandIns } from './stand-ins';
import { describeWithPrograms } from '../support/programs';

const HERE = path.join(WORK, 'operations');
const OUTDIR = path.join(HERE, 'cdktf.out');
const ENV_DIR = path.join(HERE, 'env');
const ENV = 'ops';
const RELEASES = ['2024.05', '2024.10', '2025.05'] as const;
/** The release whose CC images exit at once: the upgrade to it fails at the CC tier. */
const BROKEN_RELEASE = '2025.05';
const PG = 'xivocc-pgxivocc';
const RECORDINGS = 'xivocc-recording-server';
const SPOOL = '/var/spool/recording-server';
const BACKUP_DIR = '/var/backups/xivo-cdktf';

const started = Date.now();
let tools: Tools;
let hosts: TestHost[];
let env: NodeJS.ProcessEnv;
let envFile: string;
/** The data written by the backup test: what every later step must keep. */
let written: { rows: string; rowCount: number; files: string };

const report = {
  /** Wall time of this file: what it adds to the e2e suite. */
  fileSeconds: 0,
  backup: {} as Record<string, unknown>,
  drift: [] as { edit: string; exitCode: number; named: string[]; seconds: number }[],
  upgrade: {} as Record<string, unknown>,
  commands: [] as { command: string; status: number; seconds: number }[],
};

const host = (name: 'pbx' | 'cc') => hosts.find((h) => h.name === name)!;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

interface CommandRun {
  readonly status: number;
  readonly output: string;
  readonly seconds: number;
}

/** `npm run <script> -- <args> --output OUTDIR` as the operator types it; output kept in <work>/operations/<n>-<script>.log. */
function npmRun(script: string, args: readonly string[]): CommandRun {
  const t0 = Date.now();
  const command = ['run', '--silent', script, '--', ...args, '--output', OUTDIR];
  progress(`npm ${command.join(' ')}`);
  const res = spawnSync('npm', command, { cwd: REPO, env, encoding: 'utf8', timeout: 15 * 60 * 1000, maxBuffer: 64 * 1024 * 1024 });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  const seconds = (Date.now() - t0) / 1000;
  const n = String(report.commands.length + 1).padStart(2, '0');
  fs.writeFileSync(path.join(HERE, `${n}-${script}.log`), output);
  report.commands.push({ command: `npm run ${script} -- ${args.join(' ')}`, status: res.status ?? 128, seconds });
  progress(`${script} exited ${res.status ?? res.signal} in ${seconds.toFixed(1)} s`);
  return { status: res.status ?? 128, output, seconds };
}

function psql(sql: string, db = 'postgres'): string {
  return docker(host('cc'), ['exec', '-u', 'postgres', PG, 'psql', '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql]);
}

async function waitFor(what: string, ok: () => boolean, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    try {
      if (ok()) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${seconds} s`);
}

/** The rows of the database, as COPY prints them, and every recording's path, mode, owner and checksum. */
function dataSnapshot(): { rows: string; rowCount: number; files: string } {
  const rows = psql('COPY (SELECT * FROM call_data ORDER BY id) TO STDOUT', 'xivo_stats');
  const files = docker(host('cc'), [
    'exec',
    RECORDINGS,
    'sh',
    '-c',
    `cd ${SPOOL} && find . -mindepth 1 | sort | while read -r f; do if [ -f "$f" ]; then echo "$f $(stat -c '%a %u:%g %s' "$f") $(sha256sum < "$f" | cut -d' ' -f1)"; else echo "$f $(stat -c '%a %u:%g' "$f")"; fi; done`,
  ]);
  return { rows: sha256(rows), rowCount: rows.split('\n').filter(Boolean).length, files };
}

/** The image tarball's stand-ins of every docker_image of `release`, imported on the stack's host. */
function importRelease(release: string, tarballs: string, pgTar: string): void {
  for (const server of ['pbx', 'cc'] as const) {
    const stackJson = path.join(OUTDIR, 'stacks', `${ENV}-${server}`, 'cdk.tf.json');
    const text = fs.readFileSync(stackJson, 'utf8').split('2024.05.latest').join(`${release}.latest`);
    const copy = path.join(HERE, `${server}-${release}.tf.json`);
    fs.writeFileSync(copy, text);
    const images = Object.values<{ name: string }>(JSON.parse(text).resource?.docker_image ?? {}).map((i) => i.name);
    // Before the stubs: the database is a real PostgreSQL under pgxivocc's name.
    for (const name of images.filter((n) => n.includes('/pgxivocc:')))
      docker(host(server), [
        'import',
        '-c',
        'CMD ["/usr/local/bin/docker-entrypoint.sh"]',
        '-c',
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        pgTar,
        name,
      ]);
    if (release === BROKEN_RELEASE && server === 'cc') {
      // Every CC service image of the broken release exits at once (the database's too).
      for (const name of images.filter((n) => n.includes(`:${release}.`) && !n.includes('/pgxivocc:')))
        docker(host(server), ['import', '-c', 'CMD ["sh", "-c", "echo broken release; exit 3"]', path.join(tarballs, 'busybox.tar'), name]);
    }
    importStackStandIns(host(server), copy, tarballs);
  }
}

function writeEnvironment(release: string): void {
  const server = (h: TestHost, roles: string) =>
    `  - name: ${h.name}\n    address: ${h.address}\n    fqdn: ${h.name}.ops.test\n    docker:\n      host: ${h.socket}\n    roles: [${roles}]\n`;
  fs.writeFileSync(
    envFile,
    `# Written by __tests__/e2e/operations.test.ts: a PBX and a XiVO CC with its database and recordings.
name: ${ENV}
release: "${release}"
helperImage: ${pinnedHelperImage()}
backend:
  type: local
  directory: state
publicNames:
  xivoHost: pbx.ops.test
  xucHost: cc.ops.test
servers:
${server(host('pbx'), 'xivo')}${server(host('cc'), 'cc')}services:
  cc.spagobi: { enabled: false }
  cc.elasticsearch: { enabled: false }
  cc.kibana: { enabled: false }
  cc.pack-reporting: { enabled: false }
tls:
  mode: internal-ca
  # Server certificates within drift's 30 days (and out of the deploy's own 5): drift renews them.
  validityDays: 20
  earlyRenewalDays: 5
`,
  );
}

const requirements = {
  ...E2E_REQUIREMENTS,
  ...(isRoot() ? {} : { 'root user': 'root (network namespaces and dockerd need it)' }),
  pg_dump: 'postgresql',
};

describeWithPrograms('operations: backup and restore, drift, upgrade', requirements, () => {
  jest.setTimeout(20 * 60 * 1000);

  beforeAll(async () => {
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(ENV_DIR, { recursive: true });
    progress('operations: tools, stand-in images, the PostgreSQL image, two hosts');
    tools = buildTools();
    const tarballs = buildImageTarballs();
    const pgTar = path.join(
      spawnSync('bash', [path.join(REPO, 'scripts/e2e/postgres-image.sh')], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .pop()!,
      'postgres.tar',
    );
    hosts = hostsUp(['pbx', 'cc']).hosts;
    envFile = path.join(ENV_DIR, 'ops.yaml');
    writeEnvironment(RELEASES[0]);
    const secrets = platformSecrets();
    env = { ...deployEnv(tools, envFile, secrets), CDKTF_OUTDIR: OUTDIR };
    const synth = spawnSync('npm', ['run', '--silent', 'synth'], { cwd: REPO, env, encoding: 'utf8' });
    if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stdout}\n${synth.stderr}`);
    for (const release of RELEASES) importRelease(release, tarballs, pgTar);
    const first = await deployCommand(['--env', ENV, '--auto-approve'], OUTDIR, env);
    if (first.status !== 0) throw new Error(`deploy failed:\n${first.output.slice(-6000)}`);
    await waitFor('PostgreSQL answers', () => psql('SELECT 1').trim() === '1');
  });

  afterAll(() => {
    report.fileSeconds = (Date.now() - started) / 1000;
    writeReportSection('operations', report);
    if (!process.env.XIVO_E2E_KEEP) hostsDown();
  });

  test('backup, data destroyed, restore: rows and recordings back byte for byte; the retention keeps N', async () => {
    psql('CREATE DATABASE xivo_stats');
    psql(
      `CREATE TABLE call_data (id serial PRIMARY KEY, uniqueid text NOT NULL, start_time timestamptz NOT NULL, payload bytea);
       INSERT INTO call_data (uniqueid, start_time, payload)
         SELECT 'call-' || g, timestamptz '2026-01-01 00:00:00+00' + g * interval '37 seconds', decode(md5(g::text) || md5(random()::text), 'hex')
         FROM generate_series(1, 5000) g;`,
      'xivo_stats',
    );
    docker(host('cc'), [
      'exec',
      RECORDINGS,
      'sh',
      '-c',
      `mkdir -p ${SPOOL}/2026/12/06 && for i in 1 2 3; do head -c $((100000 * i)) /dev/urandom > ${SPOOL}/2026/12/06/call-$i.wav; done && chmod 0640 ${SPOOL}/2026/12/06/call-2.wav && echo meta > ${SPOOL}/index.txt`,
    ]);
    const before = dataSnapshot();
    written = before;
    expect(before.rowCount).toBe(5000);

    const backup = npmRun('backup', ['--env', ENV, '--json', path.join(HERE, 'backup-1.json')]);
    expect({ status: backup.status, output: backup.output }).toEqual({ status: 0, output: expect.stringContaining('backup: cc: backup ') });
    const [done] = JSON.parse(fs.readFileSync(path.join(HERE, 'backup-1.json'), 'utf8'));
    const onHost = path.join(host('cc').fsRoot, BACKUP_DIR, ENV, 'cc', done.id);
    const dump = fs.readFileSync(path.join(onHost, 'cc.pgxivocc.data', 'xivo_stats.pgdump'));
    // pg_dump's custom format (-Fc) starts with its magic.
    expect(dump.subarray(0, 5).toString()).toBe('PGDMP');
    expect(fs.readdirSync(onHost).sort()).toEqual(['SHA256SUMS', 'cc.pgxivocc.data', 'cc.recording-server.recordings.tar', 'manifest.json']);
    expect((fs.statSync(onHost).mode & 0o777).toString(8)).toBe('700');
    report.backup = { id: done.id, seconds: backup.seconds, bytes: done.bytes, rows: before.rowCount };

    // The data is lost: the database dropped, the recordings deleted.
    psql('DROP DATABASE xivo_stats');
    docker(host('cc'), ['exec', RECORDINGS, 'sh', '-c', `rm -rf ${SPOOL}/* && ls -A ${SPOOL} | wc -l`]);
    expect(psql("SELECT count(*) FROM pg_database WHERE datname = 'xivo_stats'").trim()).toBe('0');

    const restore = npmRun('restore', ['--env', ENV, '--server', 'cc', '--backup', 'latest']);
    expect({ status: restore.status, output: restore.output }).toEqual({ status: 0, output: expect.stringContaining(`restoring backup ${done.id}`) });
    await waitFor('PostgreSQL answers after the restore', () => psql('SELECT 1').trim() === '1');
    const after = dataSnapshot();
    expect(after).toEqual(before);
    report.backup = { ...report.backup, restoreSeconds: restore.seconds, identical: true };

    // A deploy whose plan replaces the database's container backs its server up before applying.
    fs.writeFileSync(envFile, fs.readFileSync(envFile, 'utf8').replace('services:\n', 'services:\n  cc.pgxivocc: { env: { TZ: UTC } }\n'));
    const deployed = await deployCommand(['--env', ENV, '--auto-approve'], OUTDIR, env);
    expect(deployed.status).toBe(0);
    expect(deployed.output).toMatch(
      /backup: ops-cc: the plan touches data \(docker_container\.cc_pgxivocc_container_\w+: replace\): backing up cc first/,
    );
    expect(deployed.output.indexOf('backup: cc: backup ')).toBeLessThan(deployed.output.indexOf('ops-cc: applied'));
    expect(fs.readdirSync(path.join(host('cc').fsRoot, BACKUP_DIR, ENV, 'cc'))).toHaveLength(2);
    await waitFor('PostgreSQL answers after the deploy', () => psql('SELECT 1').trim() === '1');
    expect(dataSnapshot()).toEqual(before);

    // Retention: with --keep 1, a new backup deletes the older one.
    await new Promise((r) => setTimeout(r, 1100));
    const second = npmRun('backup', ['--env', ENV, '--server', 'cc', '--keep', '1']);
    // The deploy's backup and the first one.
    expect({ status: second.status, output: second.output }).toEqual({
      status: 0,
      output: expect.stringMatching(new RegExp(`; removed \\S+, ${done.id}\n`)),
    });
    expect(fs.readdirSync(path.join(host('cc').fsRoot, BACKUP_DIR, ENV, 'cc'))).toHaveLength(1);
    // A corrupted backup is refused before anything is touched.
    const [kept] = fs.readdirSync(path.join(host('cc').fsRoot, BACKUP_DIR, ENV, 'cc'));
    const tarFile = path.join(host('cc').fsRoot, BACKUP_DIR, ENV, 'cc', kept, 'cc.recording-server.recordings.tar');
    fs.appendFileSync(tarFile, 'x');
    const refused = npmRun('restore', ['--env', ENV, '--server', 'cc', '--backup', kept]);
    expect(refused.status).toBe(1);
    expect(refused.output).toMatch(/checking backup .*: exit 1: cc.recording-server.recordings.tar: FAILED[\s\S]*checksums differ: nothing restored/);
    expect(dataSnapshot()).toEqual(before);
    fs.truncateSync(tarFile, fs.statSync(tarFile).size - 1);
  });

  test('drift: a clean estate reports none; each hand edit is found and named; an unreachable host cannot be checked', async () => {
    const drift = (name: string, renew = false) => {
      const json = path.join(HERE, `drift-${name}.json`);
      const run = npmRun('drift', ['--env', ENV, '--json', json, ...(renew ? [] : ['--no-renew'])]);
      const result = JSON.parse(fs.readFileSync(json, 'utf8')) as {
        exitCode: number;
        renewal?: string;
        stacks: { server: string; findings: any[]; certificates: any[]; unchecked?: string }[];
      };
      const named = result.stacks.flatMap((st) => st.findings.map((f) => `${st.server} ${f.kind} ${f.subject}`)).sort();
      report.drift.push({ edit: name, exitCode: run.status, named, seconds: run.seconds });
      return { ...run, result, named };
    };
    const clean = drift('clean');
    expect({ status: clean.status, named: clean.named, unchecked: clean.result.stacks.filter((st) => st.unchecked) }).toEqual({
      status: 0,
      named: [],
      unchecked: [],
    });

    // Every kind of hand edit, on both servers.
    docker(host('cc'), ['update', '--restart', 'no', 'xivocc-xucmgt']);
    docker(host('cc'), ['stop', 'xivocc-xuc']);
    docker(host('cc'), ['rm', '-f', 'xivocc-nginx']);
    const customEnv = path.join(host('cc').fsRoot, 'etc/docker/compose/custom.env');
    fs.writeFileSync(customEnv, fs.readFileSync(customEnv, 'utf8').replace(/^XUC_HOST=.*$/m, 'XUC_HOST=edited-by-hand.example.com'));
    fs.appendFileSync(customEnv, 'OPERATOR_KEY=kept\n');
    fs.appendFileSync(path.join(host('pbx').fsRoot, 'usr/share/xivo-certs/server.crt'), '# edited by hand\n');
    const edited = drift('every kind of hand edit');
    expect({ status: edited.status, named: edited.named }).toEqual({
      status: 2,
      named: [
        'cc container-edited xivocc-xucmgt',
        'cc container-removed xivocc-nginx',
        'cc container-stopped xivocc-xuc',
        'cc env-key-edited /etc/docker/compose/custom.env XUC_HOST',
        'pbx host-file-changed /usr/share/xivo-certs/server.crt',
      ],
    });
    const xucmgt = edited.result.stacks.flatMap((st) => st.findings).find((f) => f.subject === 'xivocc-xucmgt');
    expect(xucmgt.detail).toContain('restart');
    // Names, never values: the edited value is not printed.
    expect(edited.output).not.toContain('edited-by-hand');
    // Read-only: the stopped container is still there, stopped; the edited key still edited.
    expect(containers(host('cc')).find((c) => c.name === 'xivocc-xuc')?.state).toBe('exited');
    expect(fs.readFileSync(customEnv, 'utf8')).toContain('XUC_HOST=edited-by-hand.example.com');

    // A host that does not answer: could not check (exit 1), the other server still checked.
    const socket = host('pbx').socket.replace(/^unix:\/\//, '');
    fs.renameSync(socket, `${socket}.away`);
    try {
      const unreachable = drift('pbx unreachable');
      expect(unreachable.status).toBe(1);
      expect(unreachable.result.stacks.find((st) => st.server === 'pbx')!.unchecked).toBeTruthy();
      expect(unreachable.result.stacks.find((st) => st.server === 'cc')!.findings.length).toBe(4);
    } finally {
      fs.renameSync(`${socket}.away`, socket);
    }
    // Certificates: the internal ones of 20 days are reported, and renewed by a run without --no-renew.
    const expiring = clean.result.stacks.flatMap((st) => st.certificates.map((c) => `${c.source} ${c.commonName} ${c.daysLeft}`)).sort();
    expect(expiring).toEqual(['internal cc.ops.test 19', 'internal pbx.ops.test 19']);
    const frontCert = path.join(host('cc').fsRoot, 'etc/docker/nginx/ssl/xivoxc.crt');
    const serial = () => new X509Certificate(fs.readFileSync(frontCert)).serialNumber;
    const servedBefore = serial();
    const renewed = drift('renewal', true);
    expect({ status: renewed.status, renewal: renewed.result.renewal }).toEqual({ status: 2, renewal: 'renewed' });
    expect(renewed.output).toContain('drift: renewing 2 internal certificate(s)');
    expect(serial()).not.toBe(servedBefore);
  });

  interface UpgradeJson {
    ok: boolean;
    from: string;
    to: string;
    backups: { server: string; id: string }[];
    tiers: { tier: string; stacks: string[]; result: string; problems: string[]; startedMs: number; endedMs: number }[];
    rollback: string[];
    leftover: string[];
  }
  const upgradeTo = (release: string, name: string, healthTimeout = '30s') => {
    const json = path.join(HERE, `upgrade-${name}.json`);
    const run = npmRun('upgrade', ['--env', ENV, '--to', release, '--health-timeout', healthTimeout, '--json', json]);
    return { ...run, result: JSON.parse(fs.readFileSync(json, 'utf8')) as UpgradeJson };
  };
  /** Service containers (not the one-shot writers and jobs) of a host: name → id and image tag. */
  const services = (server: 'pbx' | 'cc') =>
    new Map(
      containers(host(server))
        .filter((c) => c.state === 'running')
        .map((c) => {
          // The provider gives the container the image's id: its tags say which release it is.
          const imageId = docker(host(server), ['inspect', '--format', '{{.Image}}', c.name]).trim();
          return [c.name, { id: c.id, image: docker(host(server), ['image', 'inspect', '--format', '{{join .RepoTags ","}}', imageId]).trim() }];
        }),
    );
  const secondPlans = () => (['pbx', 'cc'] as const).map((s) => planStack(path.join(OUTDIR, 'stacks', `${ENV}-${s}`), env).changes).flat();

  test('upgrade 2024.05 → 2024.10: a backup first, PBX then CC replaced, services answer, data kept, second plan empty', async () => {
    const before = services('cc');
    const pbxFilesBefore = containers(host('pbx')).map((c) => c.id);
    const up = upgradeTo('2024.10', '2024.10');
    expect({ status: up.status, ok: up.result.ok, leftover: up.result.leftover }).toEqual({ status: 0, ok: true, leftover: [] });
    expect(up.result.from).toBe('2024.05');
    expect(up.result.backups.map((b) => b.server)).toEqual(['cc']);
    expect(up.output.indexOf('backup: cc: backup ')).toBeLessThan(up.output.indexOf('upgrade: tier PBX'));
    expect(up.result.tiers.map((t) => [t.tier, t.result])).toEqual([
      ['PBX', 'upgraded'],
      ['CC/UC-Addon', 'upgraded'],
    ]);
    // Tier order: the CC tier starts after the PBX tier ended (its services answered).
    expect(up.result.tiers[1].startedMs).toBeGreaterThanOrEqual(up.result.tiers[0].endedMs);
    const after = services('cc');
    for (const [name, was] of before) {
      expect({ name, replaced: after.get(name)?.id !== was.id }).toEqual({ name, replaced: true });
      expect(after.get(name)!.image).toMatch(/:2024\.10\.latest(,|$)/);
    }
    expect(
      containers(host('pbx'))
        .map((c) => c.id)
        .filter((id) => pbxFilesBefore.includes(id)),
    ).toEqual([]);
    expect(fs.readFileSync(envFile, 'utf8')).toMatch(/^release: "2024\.10"$/m);
    await waitFor('PostgreSQL answers after the upgrade', () => psql('SELECT 1').trim() === '1');
    expect(dataSnapshot()).toEqual(written);
    expect(secondPlans()).toEqual([]);
    // The upgrade rewrote every file and key the drift test edited by hand.
    const drift = npmRun('drift', ['--env', ENV]);
    expect({ status: drift.status, output: drift.output }).toEqual({ status: 0, output: expect.stringContaining('cc: no drift') });
    report.upgrade = { seconds: up.seconds, tiers: up.result.tiers, backups: up.result.backups, replaced: before.size };
  });

  test('a failed tier stops the upgrade with its rollback command, which brings the previous release back', async () => {
    // Services that never answer: a short wait is enough to fail the tier.
    const failed = upgradeTo(BROKEN_RELEASE, 'broken', '8s');
    expect(failed.status).toBe(1);
    expect(failed.result.tiers.map((t) => [t.tier, t.result])).toEqual([
      ['PBX', 'upgraded'],
      ['CC/UC-Addon', 'failed'],
    ]);
    expect(failed.output).toContain('upgrade: stopped at tier CC/UC-Addon');
    expect(failed.result.rollback[0]).toBe(`npm run upgrade -- --env ${ENV} --to 2024.10`);
    expect(failed.output).toContain(`  npm run upgrade -- --env ${ENV} --to 2024.10`);
    // The rollback, as printed.
    const args = failed.result.rollback[0].replace(/^npm run upgrade -- /, '').split(' ');
    const json = path.join(HERE, 'upgrade-rollback.json');
    const back = npmRun('upgrade', [...args, '--health-timeout', '60s', '--json', json]);
    const result = JSON.parse(fs.readFileSync(json, 'utf8')) as UpgradeJson;
    expect({ status: back.status, ok: result.ok, tiers: result.tiers.map((t) => t.result) }).toEqual({
      status: 0,
      ok: true,
      tiers: ['upgraded', 'upgraded'],
    });
    for (const [name, c] of services('cc'))
      expect({ name, image: c.image }).toEqual({ name, image: expect.stringMatching(/:2024\.10\.latest(,|$)/) });
    await waitFor('PostgreSQL answers after the rollback', () => psql('SELECT 1').trim() === '1');
    expect(dataSnapshot()).toEqual(written);
    expect(secondPlans()).toEqual([]);
    report.upgrade = { ...report.upgrade, failed: failed.result.tiers, failedSeconds: failed.seconds, rollbackSeconds: back.seconds };
  });
});
