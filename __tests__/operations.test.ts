/**
 * The operations after day one, without a host: what the backup catalogue covers, how a
 * synthesized stack is read (connection, data volumes, the changes that touch data), drift's
 * comparisons and exit codes, and the upgrade's tiers and release edit. The hosts are in
 * __tests__/e2e/operations.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BACKUPS, DEFAULT_BACKUP_DIRECTORY } from '../catalogue/backups';
import { SERVICES } from '../catalogue/services';
import { Role } from '../catalogue/types';
import { backupId, BACKUP_ID, finishScript } from '../backup/backup';
import { dataChanges } from '../backup/before-deploy';
import { dataVolumes, readEstate } from '../backup/estate';
import { demuxLogs, shellQuote } from '../backup/host-jobs';
import { changedAttributes, driftExitCode, envKeyDrift, renderDrift, StackDrift } from '../drift/drift';
import { checkRelease, releaseOf, tierOf, tiersOf, withRelease } from '../upgrade/upgrade';

describe('backup catalogue', () => {
  test('every persistent volume of the catalogue is backed up: PostgreSQL by pg_dump, the others by tar', () => {
    const persistent = SERVICES.flatMap((s) => s.volumes.filter((v) => v.persistent).map((v) => `${s.id}.${v.name}`));
    expect(BACKUPS.map((b) => `${b.service}.${b.volume}`)).toEqual(persistent);
    expect(BACKUPS.map((b) => [b.service, b.method.kind])).toEqual([
      ['cc.pgxivocc', 'pg_dump'],
      ['cc.recording-server', 'tar'],
      ['cc.elasticsearch', 'tar'],
    ]);
    expect(BACKUPS[0].method).toEqual({ kind: 'pg_dump', user: 'postgres', confidence: 'inferred' });
    expect(DEFAULT_BACKUP_DIRECTORY).toBe('/var/backups/xivo-cdktf');
  });

  test('backup ids are the UTC second and sort by time', () => {
    expect(backupId(new Date('2026-12-06T21:05:01.123Z'))).toBe('20261206T210501Z');
    expect(BACKUP_ID.test(backupId())).toBe(true);
  });

  test('the finishing script keeps the newest complete backups and removes incomplete ones, never the one being written', () => {
    const script = finishScript('ops/cc/20261206T210501Z', '20261206T210501Z', 3);
    expect(script).toContain(`cd '/b/ops/cc/20261206T210501Z'`);
    expect(script).toContain('[ "$n" -le 3 ] && continue');
    expect(script).toContain(`elif [ "$d" = '20261206T210501Z' ]; then continue`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
  });

  test('container logs are demultiplexed (8-byte frame headers)', () => {
    const frame = (stream: number, text: string) => Buffer.concat([Buffer.from([stream, 0, 0, 0, 0, 0, 0, text.length]), Buffer.from(text)]);
    expect(demuxLogs(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toBe('out\nerr\n');
  });
});

describe('the estate read from a synthesized output', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-ops-'));
    const dir = path.join(outdir, 'stacks', 'lab-cc');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify({ stacks: { 'lab-cc': { dependencies: [] } } }));
    const labels = (service: string) =>
      Object.entries({ 'org.xivo.environment': 'lab', 'org.xivo.server': 'cc', 'org.xivo.role': 'cc', 'org.xivo.service': service }).map(
        ([label, value]) => ({
          label,
          value,
        }),
      );
    fs.writeFileSync(
      path.join(dir, 'cdk.tf.json'),
      JSON.stringify({
        provider: {
          docker: [
            {
              host: 'tcp://10.0.0.2:2376',
              ca_material: '${file("../../../env/ca.pem")}',
              cert_material: '${file("../../../env/cert.pem")}',
              key_material: '${file("../../../env/key.pem")}',
            },
          ],
        },
        resource: {
          docker_network: { network: { labels: labels('network') } },
          docker_image: { pg_image: { name: 'xivoxc/pgxivocc:2024.05.latest' }, helper_image: { name: 'busybox:stable' } },
          docker_volume: { pg_volume: { '//': { metadata: { path: 'lab-cc/cc/pgxivocc/volume-data' } }, name: 'xivocc-pgxivocc-data' } },
          docker_container: {
            pg: {
              name: 'xivocc-pgxivocc',
              image: '${docker_image.pg_image.image_id}',
              labels: labels('pgxivocc'),
              volumes: [{ container_path: '/var/lib/postgresql/data', volume_name: '${docker_volume.pg_volume.name}' }],
            },
            writer: {
              name: 'xivo-env-etc-docker-compose-custom.env',
              image: '${docker_image.helper_image.image_id}',
              must_run: false,
              labels: [...labels('custom-env'), { label: 'org.xivo.job', value: 'env-file-keys' }],
            },
          },
        },
      }),
    );
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('connection, roles, helper image and data volumes', () => {
    const [stack] = readEstate(outdir, 'lab');
    expect(stack.connection).toEqual({
      host: 'tcp://10.0.0.2:2376',
      sshOpts: undefined,
      tls: {
        caFile: path.resolve(outdir, '../env/ca.pem'),
        certFile: path.resolve(outdir, '../env/cert.pem'),
        keyFile: path.resolve(outdir, '../env/key.pem'),
      },
    });
    expect(stack.roles).toEqual([Role.CC]);
    expect(stack.helperImage).toBe('busybox:stable');
    expect(dataVolumes(stack).map((v) => [v.item, v.volume, v.container.name, v.definition.method.kind])).toEqual([
      ['cc.pgxivocc.data', 'xivocc-pgxivocc-data', 'xivocc-pgxivocc', 'pg_dump'],
    ]);
    expect(() => readEstate(outdir, 'lab', 'pbx')).toThrow('environment "lab" has no server "pbx" (have: cc)');
  });

  test('a deploy backs up first only when its plan replaces or removes a data holder or a volume', () => {
    const [stack] = readEstate(outdir, 'lab');
    expect(dataChanges(stack.info, ['docker_container.pg: replace', 'docker_container.writer: replace'])).toEqual(['docker_container.pg: replace']);
    expect(dataChanges(stack.info, ['docker_container.pg: update', 'docker_container.writer: replace', 'docker_image.pg_image: replace'])).toEqual(
      [],
    );
    expect(dataChanges(stack.info, ['docker_volume.pg_volume: delete'])).toEqual(['docker_volume.pg_volume: delete']);
  });
});

describe('drift', () => {
  test("managed custom.env keys: edited and missing keys named, the operator's own keys ignored, the last line of a key wins", () => {
    const deployed = 'PLAY_AUTH_TOKEN=s3cret\nXUC_HOST=cc.example.com\nXIVO_HOST=pbx.example.com\n';
    const onHost = '# installer\nUSM_BACKEND_TOKEN=x\nPLAY_AUTH_TOKEN=s3cret\nXUC_HOST=old\nXUC_HOST=cc.example.com\nMINE=1\n';
    expect(envKeyDrift(deployed, onHost)).toEqual([{ key: 'XIVO_HOST', kind: 'env-key-missing' }]);
    expect(envKeyDrift(deployed, onHost.replace('PLAY_AUTH_TOKEN=s3cret', 'PLAY_AUTH_TOKEN=other'))).toEqual([
      { key: 'PLAY_AUTH_TOKEN', kind: 'env-key-edited' },
      { key: 'XIVO_HOST', kind: 'env-key-missing' },
    ]);
  });

  test('edited attributes are named; what the provider fills in on read is not drift', () => {
    expect(
      changedAttributes({ restart: 'unless-stopped', env: ['A=1'], network_data: [1] }, { restart: 'no', env: ['A=1'], network_data: [2] }),
    ).toEqual(['restart']);
    expect(changedAttributes(null, { a: 1 })).toEqual([]);
    const unset = { dns: null, tmpfs: null, volumes: [{ container_path: '/host', host_path: '/etc/docker', read_only: null }], restart: 'no' };
    const readBack = { dns: [], tmpfs: {}, volumes: [{ container_path: '/host', host_path: '/etc/docker', read_only: false }], restart: 'no' };
    expect(changedAttributes(unset, readBack)).toEqual([]);
    expect(changedAttributes(unset, { ...readBack, volumes: [{ ...readBack.volumes[0], read_only: true }] })).toEqual(['volumes']);
  });

  test('exit codes: 0 no drift, 2 drift or a provided certificate to replace, 1 could not check', () => {
    const base = { stack: 'p-x', server: 'x', findings: [], certificates: [], seconds: 1 };
    const finding = {
      stack: 'p-x',
      server: 'x',
      kind: 'container-stopped' as const,
      subject: 'xivocc-xuc',
      detail: 'status exited',
      fix: 'npm run deploy -- --env p',
    };
    const cert = { stack: 'p-x', server: 'x', commonName: 'cc', notAfter: '2027-01-01T00:00:00.000Z', daysLeft: 12 };
    const runs: Record<string, StackDrift[]> = {
      clean: [base],
      drift: [base, { ...base, findings: [finding] }],
      unchecked: [
        { ...base, findings: [finding] },
        { ...base, unchecked: 'host unreachable' },
      ],
      provided: [{ ...base, certificates: [{ ...cert, source: 'provided', subject: 'certs/cc.crt' }] }],
      internal: [{ ...base, certificates: [{ ...cert, source: 'internal', subject: 'tls_locally_signed_cert.cc' }] }],
    };
    expect(Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, driftExitCode(v)]))).toEqual({
      clean: 0,
      drift: 2,
      unchecked: 1,
      provided: 2,
      internal: 0,
    });
    expect(renderDrift(runs.drift)).toBe(
      'x: no drift (1.0 s)\nx: 1 difference from the last deploy:\n  container-stopped: xivocc-xuc: status exited\n    fix: npm run deploy -- --env p\n',
    );
    expect(renderDrift(runs.provided)).toContain('certificate cc expires 2027-01-01T00:00:00.000Z (12 days): replace certs/cc.crt');
  });
});

describe('upgrade', () => {
  test('tiers: PBX, MDS, CC/UC-Addon, edge; a server takes its first tier', () => {
    const stacks = [
      { roles: [Role.EDGE] },
      { roles: [Role.CC] },
      { roles: [Role.UC_ADDON] },
      { roles: [Role.MDS] },
      { roles: [Role.XIVO, Role.MDS, Role.CC] },
    ];
    expect(tiersOf(stacks).map((t) => [t.tier.name, t.stacks.map((s) => stacks.indexOf(s))])).toEqual([
      ['PBX', [4]],
      ['MDS', [3]],
      ['CC/UC-Addon', [1, 2]],
      ['edge', [0]],
    ]);
    expect(tierOf({ roles: [Role.MDS, Role.CC] })).toBe(1);
  });

  test("a key stack goes with the PBX tier, whatever its server's role: the PBX signs its CSR", () => {
    expect(tierOf({ roles: [Role.CC], info: { name: 'prod-cc-core-key' } })).toBe(0);
    expect(tierOf({ roles: [Role.EDGE], info: { name: 'prod-edge-key' } })).toBe(0);
    expect(tierOf({ roles: [Role.CC], info: { name: 'prod-cc-core' } })).toBe(2);
  });

  test('the release line is changed alone, its comment kept', () => {
    const text = '# prod\nname: prod\nrelease: 2024.05   # Maia\nservers: []\n  release: nested\n';
    expect(releaseOf(text)).toBe('2024.05');
    expect(withRelease(text, '2024.10')).toBe('# prod\nname: prod\nrelease: "2024.10"   # Maia\nservers: []\n  release: nested\n');
    expect(releaseOf(`release: 'Orion'\n`)).toBe('Orion');
    expect(() => withRelease('name: x\n', '2024.10')).toThrow('no top-level "release:" line');
  });

  test('--to names a XiVO release', () => {
    expect(() => checkRelease('Naos')).not.toThrow();
    expect(() => checkRelease('2026.05')).not.toThrow();
    expect(() => checkRelease('latest')).toThrow('--to "latest": not a XiVO release');
  });
});
