/**
 * `npm run discover` without a Docker engine: the mapping from containers to the environment file
 * on recorded `docker inspect` JSON (__tests__/fixtures/discover/, recorded by the takeover e2e run
 * with `XIVO_E2E_RECORD=1`, secrets redacted), the file and the catalogue report it writes, and one
 * exact-message test per refusal.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { releaseList } from '../../catalogue/releases';
import { Role } from '../../catalogue/types';
import { loadEnvironmentFile } from '../../config/loader';
import { catalogueReport, checkFacts } from '../../discover/catalogue-report';
import { parseCommandLine } from '../../discover/cli';
import { discover, DiscoverOptions, snapshotOf } from '../../discover/discover';
import { sshDialCommand } from '../../discover/docker-api';
import { mapHost, parseEnvFile, parseImageReference, ServerDiscovery } from '../../discover/mapping';
import { DiscoverError } from '../../discover/refusals';
import { checkSecretsAgree, secretsOnHost } from '../../discover/secrets';
import { ContainerInspect, HostSnapshot, redactSnapshot } from '../../discover/snapshot';
import { firstFileOfTar } from '../../discover/tar';
import { ADOPTED_SERVICES, DIFFERENCES, PUBLIC, XIVO_DIST, XIVO_RELEASE } from '../e2e/xivo-install';
import { tarArchive } from '../support/docker-tar';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'discover');
const recorded = (server: 'pbx' | 'cc'): HostSnapshot => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${server}.json`), 'utf8'));
const CC = recorded('cc');
const PBX = recorded('pbx');
const byName = (snapshot: HostSnapshot, name: string) => snapshot.containers.find((c) => c.Name === `/${name}`)!;

/** A copy of a snapshot with its containers changed. */
function withContainers(snapshot: HostSnapshot, change: (c: ContainerInspect[]) => ContainerInspect[]): HostSnapshot {
  return { ...snapshot, containers: change(JSON.parse(JSON.stringify(snapshot.containers))) };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof DiscoverError) return e.message;
    throw e;
  }
  throw new Error('not refused');
}

async function asyncRefusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    if (e instanceof DiscoverError) return e.message;
    throw e;
  }
  throw new Error('not refused');
}

describe('the recorded installation maps to overrides, adoption and findings', () => {
  const cc = mapHost(CC, { server: 'cc', roles: [Role.CC] });

  test('every modelled Compose service is adopted by id and name; the unmodelled one is left alone', () => {
    expect(cc.adopted.map((a) => a.def.id).sort()).toEqual(ADOPTED_SERVICES.map((s) => `cc.${s}`).sort());
    for (const a of cc.adopted) {
      const c = byName(CC, `xivocc_${a.def.name}_1`);
      expect(a.override.adoptContainer).toEqual({ name: `xivocc_${a.def.name}_1`, id: c.Id, aliases: [a.def.name] });
    }
    expect(cc.leftAlone.map((l) => l.name)).toEqual([`xivocc_${DIFFERENCES.unmodelled}_1`]);
    expect(cc.adoptNetwork).toBe('xivocc_default');
    expect(cc.created).toEqual([]);
    expect(
      Object.entries(cc.services)
        .filter(([, o]) => o?.enabled === false)
        .map(([id]) => id),
    ).toEqual(['cc.pack-reporting', 'cc.spagobi', 'cc.elasticsearch', 'cc.kibana']);
  });

  test('the release comes from XIVOCC_TAG; differences from the catalogue become overrides', () => {
    expect(cc.release).toEqual({
      version: XIVO_RELEASE,
      dist: XIVO_DIST,
      source: 'XIVOCC_TAG in /etc/docker/compose/factory.env',
      assumedFrom: undefined,
    });
    expect(cc.publicNames).toEqual({ xivoHost: PUBLIC.xivoHost, xucHost: PUBLIC.xucHost });
    const o = (id: string) => cc.services[id as keyof typeof cc.services]!;
    expect(o('cc.xuc')).toMatchObject({ tag: DIFFERENCES.xucTag, memoryMb: 0, restart: 'always' });
    expect(o('cc.xuc').env).toEqual({
      XIVOCC_TAG: XIVO_RELEASE,
      XIVOCC_DIST: XIVO_DIST,
      XIVOCC_LOG_LEVEL: 'info',
      OPERATOR_KEY: 'kept as is',
      [DIFFERENCES.xucExtraEnv]: 'on',
    });
    expect(cc.adopted.find((a) => a.def.id === 'cc.xuc')!.envOrigins).toEqual({
      XIVOCC_TAG: 'factory.env',
      XIVOCC_DIST: 'factory.env',
      XIVOCC_LOG_LEVEL: 'factory.env',
      OPERATOR_KEY: 'custom.env',
      [DIFFERENCES.xucExtraEnv]: 'container',
    });
    expect(o('cc.pgxivocc')).toMatchObject({ ports: { postgres: DIFFERENCES.pgHostPort }, adoptVolumes: { data: 'xivocc_pgxivocc-data' } });
    expect(o('cc.recording-server')).toMatchObject({ image: DIFFERENCES.recordingImage, adoptVolumes: { recordings: 'xivocc_recordings' } });
    // DB_HOST=pgxivocc reaches the same container as the composed value (its name): not an override.
    expect(o('cc.xivo-db-replication').env?.DB_HOST).toBeUndefined();
    // The CTI user is the catalogue's: nothing to write.
    expect(cc.xucCredentials).toEqual({});
  });

  test('secrets are named with their Terraform variable, never kept: only a digest, compared in memory', () => {
    const names = [...new Set(cc.secrets.map((s) => `${s.name} ${s.variable ?? '-'}`))].sort();
    expect(names).toEqual([
      'PLAY_AUTH_TOKEN TF_VAR_play_auth_token',
      'USM_BACKEND_TOKEN -',
      'XIVO_AMI_SECRET TF_VAR_xuc_ami_secret',
      'XIVO_CTI_PASSWORD TF_VAR_xuc_cti_password',
      'XIVO_WS_PASSWORD TF_VAR_xuc_ws_password',
    ]);
    for (const s of cc.secrets) expect(s.digest).toMatch(/^[0-9a-f]{64}$/);
    for (const a of cc.adopted) for (const key of Object.keys(a.override.env ?? {})) expect(key).not.toMatch(/TOKEN|PASSWORD|SECRET/);
    expect(cc.findings).toContainEqual(expect.objectContaining({ subject: 'USM_BACKEND_TOKEN', level: 'warning' }));
  });

  test('the recording holds no secret value: each is a numbered marker, equal where the values were equal', () => {
    const text = JSON.stringify(CC);
    const tokens = [...new Set([...text.matchAll(/PLAY_AUTH_TOKEN=([^"\\\n]*)/g)].map((m) => m[1]))];
    expect(tokens).toEqual([expect.stringMatching(/^<redacted-\d+>$/)]);
    const again = redactSnapshot({
      ...CC,
      containers: [],
      images: {},
      files: { '/x/custom.env': 'A=1\nPLAY_AUTH_TOKEN=secret\nDB_PASSWORD=secret\nOTHER_SECRET=s2\n' },
    });
    expect(again.files['/x/custom.env']).toBe('A=1\nPLAY_AUTH_TOKEN=<redacted-1>\nDB_PASSWORD=<redacted-1>\nOTHER_SECRET=<redacted-2>\n');
  });

  test("the PBX: XiVO's own configmgt and RabbitMQ are left alone; its env file gives the public name and the token", () => {
    const pbx = mapHost(PBX, { server: 'pbx', roles: [Role.XIVO] });
    expect(pbx.adopted).toEqual([]);
    expect(pbx.leftAlone.map((l) => [l.name, l.reason.split(' (')[0]])).toEqual([
      ['xivo_configmgt_1', "XiVO's own configmgt"],
      ['xivo_rabbitmq_1', 'not a service of the catalogue for role xivo'],
    ]);
    expect(pbx.publicNames).toEqual({ xivoHost: PUBLIC.xivoHost });
    expect(pbx.release).toMatchObject({ version: XIVO_RELEASE, dist: XIVO_DIST, source: 'image tags' });
  });
});

describe('the catalogue report', () => {
  const cc = mapHost(CC, { server: 'cc', roles: [Role.CC] });
  const verdict = (key: string) => {
    const check = checkFacts([cc]).find((c) => c.fact.key === key)!;
    return `${check.verdict}: ${check.found}`;
  };

  test('each deliberate difference of the installation is a difference; the rest matches or is absent', () => {
    expect(verdict('tag rule')).toBe(`differs: ${XIVO_RELEASE}.${XIVO_DIST} except cc.xuc ${DIFFERENCES.xucTag}`);
    expect(verdict('cc.pgxivocc port postgres')).toBe(`differs: 5432/tcp published on ${DIFFERENCES.pgHostPort}`);
    expect(verdict('cc.recording-server image')).toBe(`differs: ${DIFFERENCES.recordingImage}`);
    expect(verdict('cc.xuc image')).toBe('matches: xivoxc/xuc');
    expect(verdict('cc.pgxivocc volume data')).toBe('matches: volume xivocc_pgxivocc-data at /var/lib/postgresql/data');
    expect(verdict('xuc credential ctiPassword env')).toBe('matches: set on xivocc_xuc_1');
    expect(verdict('xuc credential amiUser env')).toMatch(/^differs: not set on xivocc_xuc_1/);
    expect(verdict('cc.kibana image')).toBe('absent: service not found');
  });

  test('lists the overrides, the secrets by name and what is left alone; no secret value', () => {
    const text = catalogueReport('tko', [cc]);
    expect(text).toContain(`| \`cc.xuc\` | tag | \`${XIVO_RELEASE}.${XIVO_DIST}\` | \`${DIFFERENCES.xucTag}\` |`);
    expect(text).toContain(`| \`cc.pgxivocc\` | port "postgres" (5432/tcp) | 5443 | ${DIFFERENCES.pgHostPort} |`);
    expect(text).toMatch(
      new RegExp(
        `\\| \`cc.xuc\` \\| env \\(names; values in the file\\) \\| PLAY_AUTH_TOKEN, XIVO_HOST, XUC_HOST \\| \\+ .*${DIFFERENCES.xucExtraEnv} \\(container\\)`,
      ),
    );
    expect(text).toMatch(/\| `PLAY_AUTH_TOKEN` \| server "cc" \(\/etc\/docker\/compose\/custom\.env\), .* \| `TF_VAR_play_auth_token` \|/);
    expect(text).toContain(`| \`cc\` | \`xivocc_${DIFFERENCES.unmodelled}_1\` |`);
    expect(text).not.toMatch(/redacted/);
  });
});

describe('the environment file', () => {
  let dir: string;
  const run = (server: 'pbx' | 'cc', extra: Partial<DiscoverOptions> = {}) =>
    discover({
      file: path.join(dir, 'tko.yaml'),
      server,
      roles: [server === 'pbx' ? Role.XIVO : Role.CC],
      docker: { host: server === 'pbx' ? 'unix:///run/pbx.sock' : 'ssh://deploy@198.18.77.12' },
      address: server === 'pbx' ? '198.18.77.11' : undefined,
      recorded: { pbx: PBX, cc: CC },
      ...extra,
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-discover-'));
  });

  test('pbx then cc: the loader accepts the file; it adopts the installation; its text is stable', async () => {
    await run('pbx');
    const result = await run('cc');
    const file = path.join(dir, 'tko.yaml');
    const loaded = loadEnvironmentFile(file);
    expect(loaded.issues).toEqual([]);
    const spec = parse(fs.readFileSync(file, 'utf8'));
    expect(spec.servers.map((s: any) => s.name)).toEqual(['pbx', 'cc']);
    expect(spec.servers[1]).toEqual({
      name: 'cc',
      address: '198.18.77.12',
      docker: { host: 'ssh://deploy@198.18.77.12' },
      roles: ['cc'],
      adoptNetwork: 'xivocc_default',
    });
    // nginx's mount of /etc/docker/nginx/ssl is where this project writes certificates: left out, and said.
    expect(spec.services['cc.nginx'].volumes).toBeUndefined();
    expect(result.findings.map((f) => `${f.subject}: ${f.text}`)).toContainEqual(
      expect.stringMatching(
        /^cc\.nginx: mount of \/etc\/docker\/nginx\/ssl at \/etc\/nginx\/ssl is not written \("\/etc\/docker\/nginx\/ssl" overlaps \/etc\/docker/,
      ),
    );
    expect(result.findings.map((f) => f.subject)).toContain('cc.xuc (xivocc_xuc_1)');
    expect(result.summary).toContain(`${ADOPTED_SERVICES.length} containers adopted`);
    const text = fs
      .readFileSync(file, 'utf8')
      .replace(/id: [0-9a-f]{64}/g, 'id: <id>')
      .replace(/\$schema=\S+/, '$schema=<relative path of schema/environment.schema.json>');
    expect(text).toMatchSnapshot();
    // Discovering again gives the same file.
    await run('cc');
    expect(
      fs
        .readFileSync(file, 'utf8')
        .replace(/id: [0-9a-f]{64}/g, 'id: <id>')
        .replace(/\$schema=\S+/, '$schema=<relative path of schema/environment.schema.json>'),
    ).toBe(text);
    expect(fs.readdirSync(dir).sort()).toEqual(['tko.cc.catalogue-report.md', 'tko.pbx.catalogue-report.md', 'tko.yaml']);
  });

  test('a split XiVO CC: the second server lists the services it runs, and the file loads', async () => {
    const reporting = ['xivocc_pgxivocc_1', 'xivocc_xivo-db-replication_1', 'xivocc_xivo-full-stats_1', 'xivocc_recording-server_1'];
    const core = withContainers(CC, (list) => list.filter((c) => !reporting.includes(c.Name.slice(1))));
    const rest = withContainers(CC, (list) => list.filter((c) => reporting.includes(c.Name.slice(1))));
    const file = path.join(dir, 'tko.yaml');
    const recorded = { pbx: PBX, core, reporting: rest };
    await discover({ file, server: 'pbx', roles: [Role.XIVO], docker: { host: 'unix:///run/pbx.sock' }, address: '198.18.77.11', recorded });
    await discover({ file, server: 'core', roles: [Role.CC], docker: { host: 'ssh://deploy@198.18.77.12' }, recorded });
    await discover({ file, server: 'reporting', roles: [Role.CC], docker: { host: 'ssh://deploy@198.18.77.13' }, recorded });
    const loaded = loadEnvironmentFile(file);
    expect(loaded.issues).toEqual([]);
    const spec = parse(fs.readFileSync(file, 'utf8'));
    expect(spec.servers.map((s: any) => [s.name, s.services])).toEqual([
      ['pbx', undefined],
      ['core', undefined],
      ['reporting', ['cc.pgxivocc', 'cc.xivo-db-replication', 'cc.xivo-full-stats', 'cc.recording-server']],
    ]);
    const placed = (id: string) => loaded.environment!.placement.get(id as never)?.name;
    expect(['cc.xuc', 'cc.nginx', 'cc.pgxivocc', 'cc.recording-server'].map(placed)).toEqual(['core', 'core', 'reporting', 'reporting']);
    expect(spec.services['cc.recording-server'].enabled).toBeUndefined();
  });

  test('extending keeps comments and sections it does not own; disagreements are reported, the file wins', async () => {
    const file = path.join(dir, 'tko.yaml');
    await run('pbx');
    fs.writeFileSync(
      file,
      `# operator's note: keep me\n${fs.readFileSync(file, 'utf8').replace(`xivoHost: ${PUBLIC.xivoHost}`, 'xivoHost: pbx.other.test')}logging: { maxSize: 20m }\n`,
    );
    const result = await run('cc');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain("# operator's note: keep me");
    expect(parse(text).logging).toEqual({ maxSize: '20m' });
    expect(parse(text).publicNames.xivoHost).toBe('pbx.other.test');
    expect(result.findings).toContainEqual({
      level: 'warning',
      subject: 'publicNames.xivoHost',
      text: `the file says pbx.other.test, server "cc" says ${PUBLIC.xivoHost}: kept the file's; the first deploy writes it into custom.env`,
    });
  });
});

describe('refusals, word for word', () => {
  test('host unreachable', async () => {
    const message = await asyncRefusal(() => snapshotOf('cc', { host: 'unix:///nonexistent/docker.sock' }, [Role.CC]));
    expect(message).toBe(
      'cannot reach the Docker host of server "cc" at unix:///nonexistent/docker.sock: connect ENOENT /nonexistent/docker.sock; check the URL, the TLS files or the ssh access (`docker -H unix:///nonexistent/docker.sock info` must answer)',
    );
  });

  test('no XiVO found', () => {
    const empty: HostSnapshot = { ...CC, containers: [], files: { '/etc/docker/compose/factory.env': null, '/etc/docker/compose/custom.env': null } };
    expect(refusal(() => mapHost(empty, { server: 'cc', roles: [Role.CC] }))).toBe(
      `no XiVO found on server "cc" (${CC.host}): no container of role cc (Compose services pgxivocc, xivo-db-replication, xivo-full-stats, pack-reporting, spagobi, recording-server, elasticsearch, kibana, xuc, xucmgt, nginx) ` +
        'and none of /etc/docker/compose/factory.env, /etc/docker/compose/custom.env; check the roles (--roles) and the Docker host',
    );
  });

  test('two Compose projects run XiVO services', () => {
    const twoProjects = withContainers(CC, (list) => {
      const copy = JSON.parse(JSON.stringify(byName(CC, 'xivocc_xuc_1'))) as any;
      copy.Name = '/oldcc_xuc_1';
      copy.Id = 'f'.repeat(64);
      copy.Config.Labels['com.docker.compose.project'] = 'oldcc';
      return [...list, copy];
    });
    expect(refusal(() => mapHost(twoProjects, { server: 'cc', roles: [Role.CC] }))).toBe(
      'server "cc" runs XiVO services in 2 Compose projects, oldcc (xuc) and xivocc (pgxivocc, xivo-db-replication, xivo-full-stats, recording-server, xuc, xucmgt, nginx): choose the one to take over with --project <name>',
    );
    // --project chooses; the other project's container is left alone.
    expect(mapHost(twoProjects, { server: 'cc', roles: [Role.CC], project: 'xivocc' }).leftAlone.map((l) => l.name)).toContain('oldcc_xuc_1');
  });

  test('a secret that differs between hosts', () => {
    const cc = mapHost(CC, { server: 'cc', roles: [Role.CC] });
    const pbxFile = '/etc/docker/xivo/custom.env';
    const otherToken: HostSnapshot = {
      ...PBX,
      files: { ...PBX.files, [pbxFile]: PBX.files[pbxFile]!.replace(/PLAY_AUTH_TOKEN=.*/, 'PLAY_AUTH_TOKEN=another-token-value') },
    };
    expect(() => checkSecretsAgree([...secretsOnHost(PBX, 'pbx', [Role.XIVO], []), ...cc.secrets])).not.toThrow();
    expect(refusal(() => checkSecretsAgree([...secretsOnHost(otherToken, 'pbx', [Role.XIVO], []), ...cc.secrets]))).toBe(
      'PLAY_AUTH_TOKEN differs between server "pbx" (/etc/docker/xivo/custom.env) and server "cc" (/etc/docker/compose/custom.env): TF_VAR_play_auth_token is one value for the whole environment; ' +
        'make them equal (XiVO "API Security: Shared token" for the token), then run discover again',
    );
  });

  test('two containers of one service', () => {
    const two = withContainers(CC, (list) => [...list, { ...byName(CC, 'xivocc_xuc_1'), Name: '/xivocc_xuc_2', Id: 'e'.repeat(64) }]);
    expect(refusal(() => mapHost(two, { server: 'cc', roles: [Role.CC] }))).toBe(
      'server "cc" runs 2 containers of cc.xuc (xivocc_xuc_1, xivocc_xuc_2): one container per service can be adopted; remove the extra ones (or choose a Compose project with --project)',
    );
  });

  test('no release found, and a release this project does not know', () => {
    const noTag: HostSnapshot = {
      ...withContainers(CC, (list) => list.map((c) => ({ ...c, Config: { ...c.Config, Image: c.Config.Image.replace(/:[^:]+$/, ':latest') } }))),
      files: { ...CC.files, '/etc/docker/compose/factory.env': '' },
    };
    expect(refusal(() => mapHost(noTag, { server: 'cc', roles: [Role.CC] }))).toBe(
      'no XiVO release found on server "cc": no XIVOCC_TAG in its env files and no image tag of the form <YYYY.NN>.<dist>; give it with --release <version>',
    );
    expect(mapHost(noTag, { server: 'cc', roles: [Role.CC], release: '2024.05' }).release.version).toBe('2024.05');
    const old: HostSnapshot = { ...CC, files: { ...CC.files, '/etc/docker/compose/factory.env': 'XIVOCC_TAG=2016.01\n' } };
    expect(refusal(() => mapHost(old, { server: 'cc', roles: [Role.CC] }))).toBe(
      `release "2016.01" found on server "cc" (XIVOCC_TAG in /etc/docker/compose/factory.env) is not a XiVO LTS this project knows (${releaseList()}, or a newer YYYY.NN version); give the release with --release <version>`,
    );
  });

  test('a release newer than the catalogue is accepted, and reported with the assumption', () => {
    const newer: HostSnapshot = { ...CC, files: { ...CC.files, '/etc/docker/compose/factory.env': 'XIVOCC_TAG=2025.10\nXIVOCC_DIST=02\n' } };
    const mapped = mapHost(newer, { server: 'cc', roles: [Role.CC] });
    expect(mapped.release).toEqual({
      version: '2025.10',
      dist: '02',
      source: 'XIVOCC_TAG in /etc/docker/compose/factory.env',
      assumedFrom: 'Orion (2025.05)',
    });
    expect(catalogueReport('tko', [mapped])).toContain(
      'newer than every LTS this project knows: tag rule and Debian version assumed from Orion (2025.05)',
    );
  });

  test('data kept in a bind mount', () => {
    const bind = withContainers(CC, (list) =>
      list.map((c) =>
        c.Name === '/xivocc_pgxivocc_1'
          ? { ...c, Mounts: [{ Type: 'bind', Source: '/srv/pg', Destination: '/var/lib/postgresql/data', RW: true }] }
          : c,
      ),
    );
    expect(refusal(() => mapHost(bind, { server: 'cc', roles: [Role.CC] }))).toBe(
      'cc.pgxivocc on server "cc" (xivocc_pgxivocc_1) keeps its data in the host directory /srv/pg (bind mount at /var/lib/postgresql/data), not in a Docker volume: a replacement would start on an empty volume; move the data into a Docker volume first, then run discover again',
    );
  });

  test('XUC_HOST is an address', () => {
    const file = '/etc/docker/compose/custom.env';
    const address: HostSnapshot = { ...CC, files: { ...CC.files, [file]: CC.files[file]!.replace(/XUC_HOST=.*/, 'XUC_HOST=198.18.77.12') } };
    expect(refusal(() => mapHost(address, { server: 'cc', roles: [Role.CC] }))).toBe(
      'XUC_HOST is the address 198.18.77.12 in /etc/docker/compose/custom.env: publicNames.xucHost must be the DNS name users open; give it with --public-name xucHost=<fqdn> (the first deploy then writes it into the file)',
    );
    const given = mapHost(address, { server: 'cc', roles: [Role.CC], publicNames: { xucHost: 'cc.example.com' } as never });
    expect(given.publicNames.xucHost).toBe('cc.example.com');
    expect(given.findings).toContainEqual({
      level: 'warning',
      subject: 'publicNames.xucHost',
      text: 'is cc.example.com (given), the host says 198.18.77.12 (/etc/docker/compose/custom.env): the first deploy writes cc.example.com there',
    });
  });

  test('XUC_HOST is an address, and the environment file already names the front', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-discover-'));
    const file = path.join(dir, 'tko.yaml');
    const customEnv = '/etc/docker/compose/custom.env';
    const address: HostSnapshot = {
      ...CC,
      files: { ...CC.files, [customEnv]: CC.files[customEnv]!.replace(/XUC_HOST=.*/, 'XUC_HOST=198.18.77.12') },
    };
    await discover({
      file,
      server: 'pbx',
      roles: [Role.XIVO],
      docker: { host: 'unix:///run/pbx.sock' },
      address: '198.18.77.11',
      recorded: { pbx: PBX },
    });
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('publicNames:\n', 'publicNames:\n  xucHost: cc.tko.test\n'));
    const result = await discover({
      file,
      server: 'cc',
      roles: [Role.CC],
      docker: { host: 'tcp://198.18.77.12:2376', tls: undefined },
      recorded: { pbx: PBX, cc: address },
    }).catch((e) => e);
    // tcp:// needs TLS files: the loader refuses the file, nothing is written.
    expect(result).toBeInstanceOf(DiscoverError);
    expect((result as Error).message).toMatch(
      /^the environment file discover would write is refused by the loader \(nothing written; please report it with the catalogue report\):\n.*tko\.yaml:\d+:\d+: servers\[1\]\.docker\.tls: is required for tcp:\/\/ hosts \(an unencrypted Docker API is root on that host\): give caFile, certFile and keyFile$/,
    );
    const ok = await discover({
      file,
      server: 'cc',
      roles: [Role.CC],
      docker: { host: 'ssh://deploy@198.18.77.12' },
      recorded: { pbx: PBX, cc: address },
    });
    expect(parse(fs.readFileSync(file, 'utf8')).publicNames.xucHost).toBe('cc.tko.test');
    expect(ok.findings.map((f) => f.subject)).toContain('publicNames.xucHost');
  });

  test('a unix socket without --address, and another environment in the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-discover-'));
    expect(
      await asyncRefusal(() =>
        discover({
          file: path.join(dir, 'a.yaml'),
          server: 'cc',
          roles: [Role.CC],
          docker: { host: 'unix:///run/docker.sock' },
          recorded: { cc: CC },
        }),
      ),
    ).toBe('server "cc" is reached over a unix socket: give the address other servers reach it by with --address <ip or name>');
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'name: other\n');
    expect(
      await asyncRefusal(() =>
        discover({
          file: path.join(dir, 'b.yaml'),
          environment: 'tko',
          server: 'cc',
          roles: [Role.CC],
          docker: { host: 'tcp://h:2376' },
          recorded: { cc: CC },
        }),
      ),
    ).toBe(`${path.join(dir, 'b.yaml')} describes environment "other", not "tko": give --environment other or another file`);
  });

  test('an ssh option outside the allow-list', async () => {
    const message = await asyncRefusal(() =>
      discover({
        file: path.join(os.tmpdir(), 'never.yaml'),
        server: 'cc',
        roles: [Role.CC],
        docker: { host: 'ssh://d@h', sshOpts: ['-o', 'ProxyCommand=evil'] },
        recorded: { cc: CC },
      }),
    );
    expect(message).toBe(
      '--ssh-opt 1: -o ProxyCommand is not allowed (it can run a command or load other configuration on the machine that plans): use only StrictHostKeyChecking, UserKnownHostsFile, ConnectTimeout, ServerAliveInterval, ServerAliveCountMax, IdentitiesOnly, IdentityFile, Port, ProxyJump',
    );
  });

  test('command-line mistakes name the option and show the usage', () => {
    expect(refusal(() => parseCommandLine(['--server', 'cc']))).toMatch(/^--file is required\nusage: npm run discover -- /);
    expect(refusal(() => parseCommandLine(['--file', 'a.yaml', '--server', 'cc', '--roles', 'cc,pbxx', '--docker', 'unix:///x']))).toMatch(
      /^--roles: pbxx is not a role: use xivo, mds, cc, ucaddon, edge\n/,
    );
    expect(
      refusal(() => parseCommandLine(['--file', 'a.yaml', '--server', 'cc', '--roles', 'cc', '--docker', 'tcp://h:2376', '--tls-ca', 'ca.pem'])),
    ).toMatch(/^--tls-ca, --tls-cert and --tls-key go together\n/);
    expect(
      parseCommandLine([
        '--file',
        'a.yaml',
        '--server',
        'cc',
        '--roles',
        'xivo,cc',
        '--docker',
        'ssh://d@h',
        '--ssh-opts=-i key -o StrictHostKeyChecking=yes',
        '--public-name',
        'xucHost=cc.example.com',
      ]),
    ).toMatchObject({
      roles: ['xivo', 'cc'],
      docker: { host: 'ssh://d@h', sshOpts: ['-i', 'key', '-o', 'StrictHostKeyChecking=yes'] },
      publicNames: { xucHost: 'cc.example.com' },
    });
  });
});

describe('pieces', () => {
  test('env files: comments and blank lines skipped, values as written', () => {
    expect(parseEnvFile('# c\n\nA=1\nB="two words"\n  C=x=y\r\nnot a line\n')).toEqual([
      ['A', '1'],
      ['B', '"two words"'],
      ['C', 'x=y'],
    ]);
  });

  test('image references', () => {
    expect(parseImageReference('xivoxc/xuc:2024.05.02')).toEqual({ repository: 'xivoxc/xuc', tag: '2024.05.02' });
    expect(parseImageReference('registry.example.com:5000/mirror/xivoxc/xuc')).toEqual({
      repository: 'registry.example.com:5000/mirror/xivoxc/xuc',
      tag: 'latest',
    });
    expect(parseImageReference('xivoxc/xuc:2024.05@sha256:abc')).toEqual({ repository: 'xivoxc/xuc', tag: '2024.05' });
  });

  test("the ssh command is the docker CLI's, with the file's options", () => {
    expect(sshDialCommand('ssh://deploy@10.0.0.5:2222', ['-i', 'key'])).toEqual([
      'ssh',
      '-i',
      'key',
      '-p',
      '2222',
      '-o',
      'BatchMode=yes',
      '--',
      'deploy@10.0.0.5',
      'docker',
      'system',
      'dial-stdio',
    ]);
  });

  test("the archive endpoint's tar gives the file back", () => {
    const tar = tarArchive([{ name: 'custom.env', mode: 0o600, content: Buffer.from('A=1\n') }]);
    expect(firstFileOfTar(tar)?.toString()).toBe('A=1\n');
    expect(firstFileOfTar(Buffer.alloc(1024))).toBeUndefined();
  });

  test('a discovery of the recording is what the report and the file are built from (type check)', () => {
    const d: ServerDiscovery = mapHost(CC, { server: 'cc', roles: [Role.CC] });
    expect(d.server).toBe('cc');
  });
});
