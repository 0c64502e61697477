/**
 * Taking over a running XiVO installation without restarting a container: XiVO and XiVO CC run
 * on two test hosts as XiVO's installers leave them (Compose projects, factory.env + custom.env,
 * data volumes with data, the project network), deliberately different from the catalogue. Then
 * `npm run discover` (the PBX over unix://, the CC over tcp:// with client TLS), synth, impact and
 * the README's deploy command: the first apply adopts, replaces and restarts nothing; data,
 * custom.env lines and `docker compose ps` stay; a second plan is empty; a later real change
 * replaces exactly the container it concerns.
 *
 * Costly: run with `CI=true npm run test:e2e -- __tests__/e2e/takeover.test.ts` (root, Go, docker.io,
 * docker-compose). `XIVO_E2E_RECORD=1` also rewrites the recorded fixtures of the unit tests
 * (__tests__/fixtures/discover/, secrets redacted).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseDocument } from 'yaml';
import { loadEnvironmentFile } from '../../config/loader';
import { DockerApi } from '../../discover/docker-api';
import { readHost } from '../../discover/read-host';
import { buildImpactReport } from '../../impact/impact-report';
import { readStacks } from '../../impact/synth-at-ref';
import { describeWithPrograms } from '../support/programs';
import {
  buildImageTarballs,
  buildTools,
  cdktf,
  CdktfRun,
  containers,
  deployEnv,
  docker,
  E2E_REQUIREMENTS,
  hostsDown,
  hostsUp,
  pinnedHelperImage,
  isRoot,
  planStack,
  progress,
  randomSecret,
  REPO,
  TestHost,
  Tools,
  WORK,
} from './harness';
import { writeReportSection } from './report';
import {
  ADOPTED_SERVICES,
  compose,
  DIFFERENCES,
  Installation,
  installXivo,
  InstallSecrets,
  PUBLIC,
  readMarker,
  XIVO_DIST,
  XIVO_RELEASE,
} from './xivo-install';

const ENV = 'tko';
const DIR = path.join(WORK, 'takeover');
const OUTDIR = path.join(DIR, 'cdktf.out');
const ENV_FILE = path.join(DIR, 'env', `${ENV}.yaml`);
/** The CC server's key stack holds its front key, which the PBX's CA signs (issue 20). */
const STACKS = [`${ENV}-cc-key`, `${ENV}-pbx`, `${ENV}-cc`];
const FIXTURES = path.join(REPO, '__tests__', 'fixtures', 'discover');
/** The file discover writes has no backend section: local state, in terraform-state/ of the working directory. */
const STATE_FILES = STACKS.flatMap((s) => [`${s}.tfstate`, `${s}.tfstate.backup`]).map((f) => path.join(REPO, 'terraform-state', f));

const report = {
  adopted: 0,
  /** Containers running before whose id changed / whose start time changed (-1: not measured). */
  replaced: -1,
  restarted: -1,
  volumesIntact: false,
  firstApply: {} as Record<string, string>,
  secondPlan: {} as Record<string, string[]>,
  laterChange: [] as string[],
  catalogue: '',
};

let tools: Tools;
let hosts: TestHost[];
let tlsDir: string;
let install: Installation;
let secrets: InstallSecrets;
let env: NodeJS.ProcessEnv;
/** Container id and start time of everything running before discover, by `host/name`. */
let before: Map<string, { id: string; startedAt: string }>;
const host = (name: string) => hosts.find((h) => h.name === name)!;
const stackDir = (stack: string) => path.join(OUTDIR, 'stacks', stack);

function running(): Map<string, { id: string; startedAt: string }> {
  const out = new Map<string, { id: string; startedAt: string }>();
  for (const h of hosts) {
    for (const c of containers(h).filter((x) => x.state === 'running')) {
      out.set(`${h.name}/${c.name}`, { id: c.id, startedAt: docker(h, ['inspect', '--format', '{{.State.StartedAt}}', c.id]).trim() });
    }
  }
  return out;
}

function discoverCli(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const res = spawnSync('npm', ['run', '--silent', 'discover', '--', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 10 * 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

function secretValues(): string[] {
  return Object.values(secrets);
}

function expectNoSecret(where: string, text: string): void {
  for (const value of secretValues()) expect({ where, leaks: text.includes(value) }).toEqual({ where, leaks: false });
}

/**
 * `Apply complete! Resources: …` of each stack in cdktf's output. cdktf prefixes the first line of
 * each block with the stack's name and indents the others: the last name seen owns a line.
 */
function applySummaries(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current = '';
  for (const line of output.split('\n')) {
    const named = /^(\S+)\s/.exec(line);
    if (named && STACKS.includes(named[1])) current = named[1];
    const applied = /Apply complete! Resources: .*destroyed\./.exec(line);
    if (applied && current) out[current] = applied[0];
  }
  return out;
}

async function deploy(): Promise<CdktfRun> {
  const res = await cdktf('deploy', [`${ENV}-*`], OUTDIR, env);
  if (res.status !== 0) throw new Error(`cdktf deploy failed (${res.status}):\n${res.output.slice(-6000)}`);
  return res;
}

const requirements = {
  ...E2E_REQUIREMENTS,
  'docker-compose': 'docker-compose',
  ...(isRoot() ? {} : { 'root user': 'root (network namespaces and dockerd need it)' }),
};

describeWithPrograms('taking over a running XiVO installation without restarting a container', requirements, () => {
  jest.setTimeout(60 * 60 * 1000);

  beforeAll(() => {
    fs.mkdirSync(WORK, { recursive: true });
    fs.rmSync(DIR, { recursive: true, force: true });
    for (const f of STATE_FILES) fs.rmSync(f, { force: true });
    fs.mkdirSync(path.dirname(ENV_FILE), { recursive: true });
    progress('takeover: building or finding terraform and the providers');
    tools = buildTools();
    const tarballs = buildImageTarballs();
    progress('takeover: starting test hosts');
    const up = hostsUp(['pbx', 'cc:tls']);
    hosts = up.hosts;
    tlsDir = up.tlsDir;
    for (const f of ['ca.pem', 'client.pem', 'client-key.pem'])
      fs.copyFileSync(path.join(tlsDir, f), path.join(path.dirname(ENV_FILE), `docker-${f}`));
    secrets = {
      token: randomSecret(24),
      ctiPassword: randomSecret(8),
      amiSecret: randomSecret(8),
      wsPassword: randomSecret(8),
      usmToken: randomSecret(8),
    };
    progress('takeover: installing XiVO (Compose projects) on the test hosts');
    install = installXivo(host('pbx'), host('cc'), tarballs, secrets);
    before = running();
    env = deployEnv(tools, ENV_FILE, {
      play_auth_token: secrets.token,
      xuc_cti_password: secrets.ctiPassword,
      xuc_ami_secret: secrets.amiSecret,
      xuc_ws_password: secrets.wsPassword,
    });
    progress('takeover: ready');
  });

  afterAll(() => {
    writeReportSection('takeover', report);
    console.log(
      `takeover: ${report.adopted} containers adopted, ${report.replaced < 0 ? 'unmeasured' : report.replaced} replaced, ${report.restarted < 0 ? 'unmeasured' : report.restarted} restarted, ` +
        `volumes ${report.volumesIntact ? 'intact' : 'NOT intact'}; first apply: ${Object.entries(report.firstApply)
          .map(([s, l]) => `${s} ${l.replace('Apply complete! Resources: ', '').replace(/\.$/, '')}`)
          .join('; ')}; ` +
        `second plan: ${Object.values(report.secondPlan).flat().length} changes; later change replaced ${report.laterChange.join(', ') || 'nothing'}; catalogue: ${report.catalogue}`,
    );
    if (!process.env.XIVO_E2E_KEEP) {
      hostsDown();
      fs.rmSync(path.join(REPO, 'pki', ENV), { recursive: true, force: true });
      for (const f of STATE_FILES) fs.rmSync(f, { force: true });
    }
  });

  test('discover refuses a host it cannot reach, with the host named', () => {
    const res = discoverCli([
      '--file',
      path.join(DIR, 'nowhere.yaml'),
      '--server',
      'gone',
      '--roles',
      'cc',
      '--docker',
      `unix://${DIR}/no.sock`,
      '--address',
      '10.9.9.9',
    ]);
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe(
      `discover: cannot reach the Docker host of server "gone" at unix://${DIR}/no.sock: connect ENOENT ${DIR}/no.sock; check the URL, the TLS files or the ssh access (\`docker -H unix://${DIR}/no.sock info\` must answer)`,
    );
    expect(fs.existsSync(path.join(DIR, 'nowhere.yaml'))).toBe(false);
  });

  test('the ssh transport (docker system dial-stdio) reads a real engine', async () => {
    const api = new DockerApi({ host: 'ssh://root@cc', dialCommand: ['docker', '-H', host('cc').socket, 'system', 'dial-stdio'] });
    try {
      const snapshot = await readHost(api, ['/etc/docker/compose']);
      expect(snapshot.containers.map((c) => c.Name).filter((n) => n.startsWith('/xivocc_')).length).toBe(ADOPTED_SERVICES.length + 1);
      expect(snapshot.files['/etc/docker/compose/custom.env']).toBe(install.customEnv.cc);
    } finally {
      api.close();
    }
  });

  test('discover writes an environment file that adopts the installation, and a catalogue report with the differences', () => {
    const pbx = discoverCli([
      '--file',
      ENV_FILE,
      '--server',
      'pbx',
      '--roles',
      'xivo',
      '--docker',
      host('pbx').socket,
      '--address',
      host('pbx').address,
      '--record',
      path.join(DIR, 'record-pbx.json'),
    ]);
    expect({ status: pbx.status, stderr: pbx.stderr }).toEqual({ status: 0, stderr: '' });
    const ccArgs = ['--file', ENV_FILE, '--server', 'cc', '--roles', 'cc', '--docker', host('cc').tcp, '--record', path.join(DIR, 'record-cc.json')];
    const tls = [
      '--tls-ca',
      path.join(path.dirname(ENV_FILE), 'docker-ca.pem'),
      '--tls-cert',
      path.join(path.dirname(ENV_FILE), 'docker-client.pem'),
      '--tls-key',
      path.join(path.dirname(ENV_FILE), 'docker-client-key.pem'),
    ];
    const cc = discoverCli([...ccArgs, ...tls]);
    expect({ status: cc.status, stderr: cc.stderr }).toEqual({ status: 0, stderr: '' });
    progress(`discover:\n${pbx.stdout}${cc.stdout}`);
    expect(cc.stdout).toContain(`XiVO ${XIVO_RELEASE}, dist ${XIVO_DIST} (XIVOCC_TAG in /etc/docker/compose/factory.env)`);
    expect(cc.stdout).toContain(`${ADOPTED_SERVICES.length} containers adopted`);
    expect(cc.stdout).toContain(`1 left alone (xivocc_${DIFFERENCES.unmodelled}_1)`);
    expect(cc.stdout).toContain('export TF_VAR_play_auth_token, TF_VAR_xuc_ami_secret, TF_VAR_xuc_cti_password, TF_VAR_xuc_ws_password');

    const text = fs.readFileSync(ENV_FILE, 'utf8');
    const spec = parse(text);
    expect(loadEnvironmentFile(ENV_FILE).issues).toEqual([]);
    expect({ release: spec.release, dist: spec.dist, publicNames: spec.publicNames }).toEqual({
      release: XIVO_RELEASE,
      dist: XIVO_DIST,
      publicNames: { xivoHost: PUBLIC.xivoHost, xucHost: PUBLIC.xucHost },
    });
    expect(spec.servers.map((s: any) => [s.name, s.roles, s.adoptNetwork])).toEqual([
      ['pbx', ['xivo'], undefined],
      ['cc', ['cc'], 'xivocc_default'],
    ]);
    expect(spec.services['cc.xuc']).toMatchObject({
      tag: DIFFERENCES.xucTag,
      env: { [DIFFERENCES.xucExtraEnv]: 'on', OPERATOR_KEY: 'kept as is' },
      adoptContainer: { name: 'xivocc_xuc_1', aliases: ['xuc'] },
    });
    expect(spec.services['cc.pgxivocc']).toMatchObject({
      ports: { postgres: DIFFERENCES.pgHostPort },
      adoptVolumes: { data: 'xivocc_pgxivocc-data' },
    });
    expect(spec.services['cc.recording-server']).toMatchObject({
      image: DIFFERENCES.recordingImage,
      adoptVolumes: { recordings: 'xivocc_recordings' },
    });
    expect(
      Object.keys(spec.services)
        .filter((id) => spec.services[id].adoptContainer)
        .sort(),
    ).toEqual(ADOPTED_SERVICES.map((s) => `cc.${s}`).sort());
    for (const optional of ['cc.pack-reporting', 'cc.spagobi', 'cc.elasticsearch', 'cc.kibana'])
      expect(spec.services[optional]).toEqual({ enabled: false });
    // nginx's bind mount of /etc/docker/nginx/ssl is where we write certificates: left out, said so.
    expect(spec.services['cc.nginx'].volumes).toBeUndefined();
    expect(cc.stdout).toMatch(/warning: cc\.nginx: mount of \/etc\/docker\/nginx\/ssl at \/etc\/nginx\/ssl is not written/);
    // The installer's comments stay when the file is extended, and each service says where it was found.
    expect(parseDocument(text).commentBefore).toContain('Written by npm run discover');
    expect(text).toContain(
      '# cc.xuc: xivocc_xuc_1 on server "cc" (xivoxc/xuc:2024.05.03, Compose project xivocc, service xuc), adopted without restart',
    );

    const catalogue = fs.readFileSync(path.join(DIR, 'env', `${ENV}.cc.catalogue-report.md`), 'utf8');
    expect(catalogue).toContain(
      `| tag of XiVO images (XIVOCC_TAG.XIVOCC_DIST) | \`<release>.<dist> (dist "latest" by default)\` | ${XIVO_RELEASE}.${XIVO_DIST} except cc.xuc ${DIFFERENCES.xucTag} | **differs** |`,
    );
    expect(catalogue).toContain(
      `| port "postgres" of cc.pgxivocc | \`5432/tcp published on 5443\` | 5432/tcp published on ${DIFFERENCES.pgHostPort} | **differs** |`,
    );
    expect(catalogue).toContain(`| image of cc.recording-server | \`xivoxc/recording-server\` | ${DIFFERENCES.recordingImage} | **differs** |`);
    expect(catalogue).toContain('| image of cc.xuc | `xivoxc/xuc` | xivoxc/xuc | matches |');
    expect(catalogue).toMatch(
      new RegExp(`\\| \`cc.xuc\` \\| env \\(names; values in the file\\) \\| .* \\| \\+ .*${DIFFERENCES.xucExtraEnv} \\(container\\)`),
    );
    expect(catalogue).toContain(`| \`cc\` | \`xivocc_${DIFFERENCES.unmodelled}_1\` |`);
    report.catalogue = /## Inferred facts of the catalogue \(([^)]*)\)/.exec(catalogue)?.[1] ?? '';

    // Secrets: named, never written nor printed.
    for (const [where, content] of [
      ['environment file', text],
      ['catalogue report', catalogue],
      ['stdout', `${pbx.stdout}${cc.stdout}`],
      ['recording pbx', fs.readFileSync(path.join(DIR, 'record-pbx.json'), 'utf8')],
      ['recording cc', fs.readFileSync(path.join(DIR, 'record-cc.json'), 'utf8')],
    ]) {
      expectNoSecret(where, content);
    }
    if (process.env.XIVO_E2E_RECORD) {
      fs.mkdirSync(FIXTURES, { recursive: true });
      for (const server of ['pbx', 'cc']) fs.copyFileSync(path.join(DIR, `record-${server}.json`), path.join(FIXTURES, `${server}.json`));
      progress(`takeover: fixtures rewritten in ${FIXTURES}`);
    }
  });

  test('synth of the discovered file succeeds, and impact shows adoption only before deploying', async () => {
    // These hosts reach no Docker Hub: as an operator with a mirror would, the helpers come from the run's registry.
    const doc = parseDocument(fs.readFileSync(ENV_FILE, 'utf8'));
    doc.set('helperImage', pinnedHelperImage());
    fs.writeFileSync(ENV_FILE, doc.toString({ lineWidth: 0 }));
    const synth = await cdktf('synth', [], OUTDIR, env);
    expect(synth.status).toBe(0);
    const impact = buildImpactReport(new Map(), readStacks(OUTDIR), 'nothing → discovered');
    const environment = impact.environments.find((e) => e.name === ENV)!;
    report.adopted = environment.containersAdopted;
    const counts = { adopted: environment.containersAdopted, replaced: environment.containersReplaced, removed: environment.containersRemoved };
    expect(counts).toEqual({ adopted: ADOPTED_SERVICES.length, replaced: 0, removed: 0 });
    expect(impact.exitCode).toBe(0);
  });

  test("the README's deploy adopts: no destroy, no replacement, every container keeps its id and uptime", async () => {
    const res = await deploy();
    const after = running();
    const kept = [...before.keys()].filter((k) => after.get(k)?.id === before.get(k)!.id);
    report.replaced = [...before.keys()].filter((k) => after.get(k)?.id !== before.get(k)!.id).length;
    report.restarted = kept.filter((k) => after.get(k)!.startedAt !== before.get(k)!.startedAt).length;
    expect({ replaced: report.replaced, restarted: report.restarted }).toEqual({ replaced: 0, restarted: 0 });
    expect(before.size).toBe(ADOPTED_SERVICES.length + 1 + 2);
    // The first plan of each stack, as Terraform applied it: imports and creations only.
    report.firstApply = applySummaries(res.output);
    expect(Object.keys(report.firstApply).sort()).toEqual([...STACKS].sort());
    for (const [stack, line] of Object.entries(report.firstApply))
      expect({ stack, line }).toEqual({ stack, line: expect.stringMatching(/ 0 changed, 0 destroyed\.$/) });
    expect(report.firstApply[`${ENV}-cc`]).toMatch(
      new RegExp(`^Apply complete! Resources: ${ADOPTED_SERVICES.length + 3} imported, \\d+ added, 0 changed, 0 destroyed\\.$`),
    );
  });

  test("data, custom.env lines and Compose's view are intact", () => {
    for (const [volume, marker] of Object.entries(install.markers))
      expect({ volume, marker: readMarker(host('cc'), volume) }).toEqual({ volume, marker });
    report.volumesIntact = true;
    for (const [name, dir, original] of [
      ['cc', install.ccDir, install.customEnv.cc],
      ['pbx', install.pbxDir, install.customEnv.pbx],
    ] as const) {
      const now = fs.readFileSync(path.join(dir, 'custom.env'), 'utf8');
      // Every line of the installer and the operator, byte for byte and in order; ours only appended.
      expect({ server: name, start: now.slice(0, original.length) }).toEqual({ server: name, start: original });
    }
    const ps = compose(host('cc'), install.ccDir, 'xivocc', 'docker-xivocc.yml', ['ps']);
    for (const service of [...ADOPTED_SERVICES, DIFFERENCES.unmodelled]) expect(ps).toMatch(new RegExp(`xivocc_${service}_1\\s.*\\sUp\\b`));
  });

  test('a second plan of every stack is empty', () => {
    for (const stack of STACKS) report.secondPlan[stack] = planStack(stackDir(stack), env).changes;
    expect(report.secondPlan).toEqual(Object.fromEntries(STACKS.map((s) => [s, []])));
  });

  test('a later real change replaces exactly the container it concerns, which Compose still lists', async () => {
    const text = fs.readFileSync(ENV_FILE, 'utf8');
    const doc = parseDocument(text);
    doc.setIn(['services', 'cc.xuc', 'env', 'LATER_CHANGE'], 'yes');
    fs.writeFileSync(ENV_FILE, doc.toString({ lineWidth: 0 }));
    const plan = planStack(stackDir(`${ENV}-cc`), env, true);
    expect(plan.changes.map((c) => c.split(':')[0]).sort()).toEqual([
      expect.stringMatching(/^docker_container\.cc_xuc_service_container_/),
      expect.stringMatching(/^terraform_data\.cc_xuc_service_adoption-inputs_/),
    ]);
    const prior = running();
    await deploy();
    const now = running();
    report.laterChange = [...prior.keys()].filter((k) => now.get(k)?.id !== prior.get(k)!.id);
    expect(report.laterChange).toEqual(['cc/xivocc_xuc_1']);
    const inspected = JSON.parse(docker(host('cc'), ['inspect', 'xivocc_xuc_1']))[0];
    expect(inspected.Config.Env).toContain('LATER_CHANGE=yes');
    expect(inspected.Config.Env).toContain(`PLAY_AUTH_TOKEN=${secrets.token}`);
    expect(Object.keys(inspected.NetworkSettings.Networks)).toEqual(['xivocc_default']);
    expect(inspected.NetworkSettings.Networks.xivocc_default.Aliases).toEqual(expect.arrayContaining(['xivocc_xuc_1', 'xuc']));
    expect(compose(host('cc'), install.ccDir, 'xivocc', 'docker-xivocc.yml', ['ps'])).toMatch(/xivocc_xuc_1\s.*\sUp\b/);
    expect(planStack(stackDir(`${ENV}-cc`), env).changes).toEqual([]);
  });
});
