/**
 * Real deploys: the e2e environment (XiVO PBX, a split XiVO CC, an edge) applied with the README's
 * `cdktf deploy` by real Terraform and providers onto real Docker engines, then probed through
 * the real nginx front and edge; a second plan must change nothing; a setting change replaces
 * exactly its readers; a token rotation reaches every holder; destroy spares data volumes.
 *
 * Costly (minutes): run with `npm run test:e2e` (root, Go, docker.io; see README "End-to-end").
 */
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { SERVICES } from '../../catalogue/services';
import { ASTERISK_WEBSOCKET } from '../../catalogue/routes';
import { effectOf } from '../../impact/replacement-table';
import {
  buildImageTarballs, buildTools, cdktf, CdktfRun, ContainerInfo, containers, deployEnv, docker, E2E_REQUIREMENTS, hostsDown, hostsUp,
  importImage, inspectEnv, isRoot, planDestroy, planStack, progress, WORK, randomSecret, REPO, stateResources, TestHost, Tools,
} from './harness';
import { E2E_ENV, HOST_SPECS, PUBLIC, writeEnvironment } from './environment';
import { describeWithPrograms } from '../support/programs';

const OUTDIR = path.join(WORK, 'cdktf.out');
const ENV_DIR = path.join(WORK, 'env');
const STACKS = HOST_SPECS.map((s) => `${E2E_ENV}-${s.split(':')[0]}`);
const ASTERISK_STAND_IN = 'xivo-e2e/asterisk-stand-in:test';
const CONFIGMGT_STAND_IN = 'xivo-e2e/configmgt-stand-in:test';
/** What XiVO's CC installer and an operator left in custom.env before we take over. */
const PRESEEDED_CUSTOM_ENV = '# XiVO CC settings (written by xivocc-installer)\nXUC_HOST=198.18.77.12\nUSM_BACKEND_TOKEN=installer-value\n\n# operator: keep\nOPERATOR_KEY=kept as is\n';
const WEBSOCKET_HEADERS = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };

interface StackReport { resources: number; applySeconds: number; secondPlanChanges: string[] }
const report = {
  hosts: [] as { name: string; address: string; docker: string }[],
  tools: {} as Tools['provenance'],
  stacks: {} as Record<string, StackReport>,
  deploySeconds: 0,
  routes: [] as { path: string; expected: string; got: string; ok: boolean }[],
  edgeLeaks: [] as string[],
  settingChange: { replaced: [] as string[] },
  tokenRotation: { hostFiles: 0, containers: 0 },
  destroyRefused: false,
};

let tools: Tools;
let hosts: TestHost[];
let env: NodeJS.ProcessEnv;
let secrets: Record<string, string>;
let envFile: string;
let tlsDir: string;
const host = (name: string) => hosts.find((h) => h.name === name)!;
const stackDir = (stack: string) => path.join(OUTDIR, 'stacks', stack);

function synthesized(stack: string): any {
  return JSON.parse(fs.readFileSync(path.join(stackDir(stack), 'cdk.tf.json'), 'utf8'));
}

/** Imports a stand-in for every image a stack uses, under that exact name. */
function importStandIns(tarballs: string): void {
  const ports = [...new Set(SERVICES.flatMap((s) => s.ports.map((p) => p.internal)))].sort((a, b) => a - b);
  for (const stack of STACKS) {
    const h = host(stack.slice(E2E_ENV.length + 1));
    const present = new Set(docker(h, ['images', '--format', '{{.Repository}}:{{.Tag}}']).trim().split('\n'));
    for (const image of Object.values<any>(synthesized(stack).resource?.docker_image ?? {})) {
      const name: string = image.name;
      if (present.has(name)) continue;
      const base = name.replace(/:[^/:]+$/, '').split('/').pop()!;
      if (base === 'busybox') importImage(h, path.join(tarballs, 'busybox.tar'), name);
      else if (base.includes('nginx')) importImage(h, path.join(tarballs, 'nginx.tar'), name);
      else importImage(h, path.join(tarballs, base === 'xuc' ? 'stub-jre.tar' : 'stub.tar'), name, { service: base, ports });
      present.add(name);
    }
  }
}

function allContainers(): Map<string, ContainerInfo> {
  return new Map(hosts.flatMap((h) => containers(h).map((c) => [`${h.name}/${c.name}`, c] as const)));
}

/** `cdktf deploy '<env>-*'`; fails the test with the CLI's output when it fails. */
async function deploy(): Promise<CdktfRun> {
  const res = await cdktf('deploy', [`${E2E_ENV}-*`], OUTDIR, env);
  if (res.status !== 0) throw new Error(`cdktf deploy failed (${res.status}):\n${res.output.slice(-6000)}`);
  return res;
}

function replacedSince(before: Map<string, ContainerInfo>): string[] {
  const after = allContainers();
  return [...before.keys(), ...after.keys()]
    .filter((k, i, all) => all.indexOf(k) === i)
    .filter((k) => before.get(k)?.id !== after.get(k)?.id)
    .sort();
}

/** HTTPS through a real nginx, verified with the internal CA as deploy wrote it. */
function get(address: string, servername: string, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, any>; body: string }> {
  // Deploy writes it under the working directory (the repository), as for operators: pki/<env>/.
  const ca = fs.readFileSync(path.join(REPO, 'pki', E2E_ENV, 'internal-ca.crt'));
  return new Promise((resolve, reject) => {
    const req = https.request({ host: address, port: 443, path: urlPath, servername, ca, headers: { Host: servername, ...headers }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${servername}${urlPath}`)));
    req.on('error', reject);
    req.end();
  });
}

async function retry<T>(fn: () => Promise<T>, ok: (t: T) => boolean, attempts = 30): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch {
      /* the container may still be starting */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return last ?? fn();
}

const requirements = isRoot() ? E2E_REQUIREMENTS : { ...E2E_REQUIREMENTS, 'root user': 'root (network namespaces and dockerd need it)' };

describeWithPrograms('real deploy of a split XiVO CC on Docker engines', requirements, () => {
  jest.setTimeout(60 * 60 * 1000);

  beforeAll(async () => {
    fs.mkdirSync(WORK, { recursive: true });
    progress('building or finding terraform and the providers');
    tools = buildTools();
    report.tools = tools.provenance;
    const tarballs = buildImageTarballs();
    for (const stale of ['cdktf.out', 'env', 'pki', 'progress.log']) fs.rmSync(path.join(WORK, stale), { recursive: true, force: true });
    progress('starting test hosts');
    const up = hostsUp(HOST_SPECS);
    hosts = up.hosts;
    tlsDir = up.tlsDir;
    report.hosts = hosts.map((h) => ({ name: h.name, address: h.address, docker: h.tcp || h.socket }));
    envFile = writeEnvironment(ENV_DIR, hosts, tlsDir, { loginTimeoutMs: 6000 });
    secrets = {
      play_auth_token: randomSecret(24),
      ldap_manager_password: `p'w"${randomSecret(6)}\\$x`,
      xuc_truststore_password: randomSecret(12),
      xuc_cti_password: randomSecret(12),
      xuc_ws_password: randomSecret(12),
      xuc_ami_secret: randomSecret(12),
    };
    env = deployEnv(tools, envFile, secrets);
    const synth = await cdktf('synth', [], OUTDIR, env);
    if (synth.status !== 0) throw new Error(`cdktf synth failed:\n${synth.output.slice(-4000)}`);
    progress('importing stand-in images');
    importStandIns(tarballs);
    // XiVO's own services on the PBX host, not deployed by us: Asterisk (SIP over WebSocket) and configmgt.
    importImage(host('pbx'), path.join(tarballs, 'stub.tar'), ASTERISK_STAND_IN, { service: 'asterisk', ports: [ASTERISK_WEBSOCKET.port] });
    // Our engines have no default bridge (--bridge none): the stand-ins get a network of their own.
    docker(host('pbx'), ['network', 'create', 'xivo-host-stand-ins']);
    docker(host('pbx'), ['run', '-d', '--name', 'asterisk-stand-in', '--network', 'xivo-host-stand-ins', '-p', `${ASTERISK_WEBSOCKET.port}:${ASTERISK_WEBSOCKET.port}`, ASTERISK_STAND_IN]);
    importImage(host('pbx'), path.join(tarballs, 'stub.tar'), CONFIGMGT_STAND_IN, { service: 'xivo-configmgt', ports: [9100] });
    docker(host('pbx'), ['run', '-d', '--name', 'configmgt-stand-in', '--network', 'xivo-host-stand-ins', '-p', '9100:9100', CONFIGMGT_STAND_IN]);
    // Taking over: the reporting server already has the installer's custom.env.
    const existing = path.join(host('cc-reporting').fsRoot, 'etc/docker/compose/custom.env');
    fs.mkdirSync(path.dirname(existing), { recursive: true });
    fs.writeFileSync(existing, PRESEEDED_CUSTOM_ENV, { mode: 0o600 });
    progress('ready');
  });

  afterAll(() => {
    fs.writeFileSync(path.join(REPO, 'e2e-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    const resources = Object.values(report.stacks).reduce((n, s) => n + s.resources, 0);
    const changes = Object.values(report.stacks).reduce((n, s) => n + s.secondPlanChanges.length, 0);
    const routesOk = report.routes.filter((r) => r.ok).length;
    const providers = (report.tools.providers ?? []).map((p) => `${p.provider} ${p.version}`).join(', ');
    console.log(
      `e2e: ${report.hosts.length} hosts, ${Object.keys(report.stacks).length} stacks, ${resources} resources applied in ${Math.round(report.deploySeconds)} s; ` +
        `second plan: ${changes} changes; routes ${routesOk}/${report.routes.length}; edge leaks ${report.edgeLeaks.length}` +
        `; terraform ${report.tools.terraform}; providers from source: ${providers}`,
    );
    if (!process.env.XIVO_E2E_KEEP) {
      hostsDown();
      fs.rmSync(path.join(REPO, 'pki', E2E_ENV), { recursive: true, force: true });
    }
  });

  test('every stack applies, in dependency order, with the README deploy command', async () => {
    const t0 = Date.now();
    const res = await deploy();
    report.deploySeconds = (Date.now() - t0) / 1000;
    for (const stack of STACKS) {
      const state = stateResources(stackDir(stack), env);
      const resources = [...state.keys()].filter((a) => !a.startsWith('data.')).length;
      report.stacks[stack] = { resources, applySeconds: res.stackSeconds[stack] ?? 0, secondPlanChanges: [] };
      expect(resources).toBeGreaterThan(0);
    }
    // cdktf initialises every stack first, then applies them in dependency order: the stacks that
    // read the internal CA from the PBX stack's state change nothing before it is applied.
    const at = (event: string) => res.events.indexOf(event);
    expect(at(`${E2E_ENV}-pbx: complete`)).toBeGreaterThanOrEqual(0);
    for (const reader of [`${E2E_ENV}-cc-core`, `${E2E_ENV}-edge`]) {
      expect({ reader, afterPbx: at(`${reader}: first change`) > at(`${E2E_ENV}-pbx: complete`) }).toEqual({ reader, afterPbx: true });
    }
    expect(STACKS.map((stack) => at(`${stack}: complete`) >= 0)).toEqual(STACKS.map(() => true));
  });

  test('every host file is on its host with its exact content and mode; the token is TF_VAR_play_auth_token', () => {
    let checked = 0;
    for (const stack of STACKS) {
      const h = host(stack.slice(E2E_ENV.length + 1));
      for (const [address, values] of stateResources(stackDir(stack), env)) {
        if (!address.startsWith('docker_container.')) continue;
        const hostPath = (values.labels as { label: string; value: string }[]).find((l) => l.label === 'org.xivo.host-file')?.value;
        // HostFile writers are never started (custom.env's job runs: checked in its own test).
        if (!hostPath || values.start !== false) continue;
        const upload = values.upload[0];
        const file = path.join(h.fsRoot, hostPath);
        const expected = upload.content ? Buffer.from(upload.content) : Buffer.from(upload.content_base64, 'base64');
        expect({ file: hostPath, content: fs.readFileSync(file).toString('base64') }).toEqual({ file: hostPath, content: expected.toString('base64') });
        expect({ file: hostPath, mode: (fs.statSync(file).mode & 0o777).toString(8).padStart(4, '0') }).toEqual({ file: hostPath, mode: upload.permissions });
        const token = /^PLAY_AUTH_TOKEN=(.*)$/m.exec(expected.toString('utf8'));
        if (token) expect(token[1]).toBe(secrets.play_auth_token);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  test("custom.env written by XiVO's installer keeps its lines: ours are added, a backup is kept, mode 0600", () => {
    const dir = path.join(host('cc-reporting').fsRoot, 'etc/docker/compose');
    const lines = fs.readFileSync(path.join(dir, 'custom.env'), 'utf8').split('\n');
    const keyOf = (line: string) => /^([A-Za-z_][A-Za-z0-9_.]*)=/.exec(line)?.[1];
    // Every line of the installer's file is still there, in its order, unless it sets a key we
    // manage (then that line now holds our value, in the same place).
    let at = -1;
    for (const line of PRESEEDED_CUSTOM_ENV.split('\n')) {
      const key = keyOf(line);
      const found = lines.findIndex((l, i) => i > at && (l === line || (key !== undefined && keyOf(l) === key)));
      expect({ line, kept: found > at }).toEqual({ line, kept: true });
      at = found;
    }
    const text = lines.join('\n');
    expect(text).toContain('OPERATOR_KEY=kept as is\n');
    expect(text).toContain('USM_BACKEND_TOKEN=installer-value\n');
    expect(text).toMatch(new RegExp(`^PLAY_AUTH_TOKEN=${secrets.play_auth_token}$`, 'm'));
    expect((fs.statSync(path.join(dir, 'custom.env')).mode & 0o777).toString(8)).toBe('600');
    const backups = fs.readdirSync(dir).filter((f) => f.startsWith('custom.env.backup-'));
    expect(backups.length).toBeGreaterThanOrEqual(1);
    expect(fs.readFileSync(path.join(dir, backups.sort()[0]), 'utf8')).toBe(PRESEEDED_CUSTOM_ENV);
  });

  const FRONT_ROUTES: [string, string][] = [
    ['/', 'xucmgt'], ['/ccagent', 'xucmgt'], ['/ccmanager', 'xucmgt'], ['/fingerboard', 'xucmgt'], ['/ucassistant', 'xucmgt'], ['/switchboard', 'xucmgt'],
    ['/xuc/api/2.0/auth/login', 'xuc'], ['/xuc', 'xuc'],
    ['/configmgt', 'xivo-configmgt'], ['/recording', 'recording-server'], ['/SpagoBI', 'spagobi'], ['/kibana', 'kibana'],
  ];

  test.each(FRONT_ROUTES)('the front routes %s to %s (HTTPS, SNI, verified with the internal CA)', async (urlPath, service) => {
    const front = host('cc-core').address;
    const res = await retry(() => get(front, PUBLIC.xucHost, urlPath), (r) => r.status === 200);
    const got = res.status === 200 ? JSON.parse(res.body).service : `HTTP ${res.status}`;
    report.routes.push({ path: urlPath, expected: service, got, ok: got === service });
    expect(got).toBe(service);
  });

  /** WebSocket paths: the upgrade must reach this stand-in and answer 101 with the RFC 6455 key. */
  const WEBSOCKETS: [string, string][] = [['/xuc/api/2.0/cti', 'xuc'], ['/wssip', 'asterisk']];

  async function upgrades(address: string, servername: string, urlPath: string, service: string, label: string): Promise<void> {
    const res = await get(address, servername, urlPath, WEBSOCKET_HEADERS);
    const got = res.status === 101 ? `101 ${res.headers['x-stub-service']}` : String(res.status);
    report.routes.push({ path: `${label}${urlPath} (WebSocket)`, expected: `101 ${service}`, got, ok: got === `101 ${service}` });
    expect(got).toBe(`101 ${service}`);
    expect(res.headers['sec-websocket-accept']).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  }

  test.each(WEBSOCKETS)('the WebSocket %s upgrades through the front to %s', (urlPath, service) =>
    upgrades(host('cc-core').address, PUBLIC.xucHost, urlPath, service, ''));

  /** What XiVO Edge publishes; everything else stays on the internal front. */
  const EDGE_PUBLISHED: [string, string][] = [['/ccagent', 'xucmgt'], ['/ucassistant', 'xucmgt'], ['/switchboard', 'xucmgt'], ['/xuc', 'xuc'], ['/xuc/api/2.0/auth/login', 'xuc']];
  const EDGE_REFUSED = ['/', '/ccmanager', '/fingerboard', '/configmgt', '/kibana', '/recording', '/SpagoBI'];

  test('through the edge, users reach the published paths by the public name and no internal name comes back', async () => {
    const internal = [PUBLIC.xivoHost, PUBLIC.xucHost, ...hosts.map((h) => `${h.name}.e2e.test`), ...hosts.map((h) => h.address)];
    for (const [urlPath, service] of EDGE_PUBLISHED) {
      const res = await get(host('edge').address, PUBLIC.edge, urlPath);
      const got = res.status === 200 ? JSON.parse(res.body).service : `HTTP ${res.status}`;
      report.routes.push({ path: `edge ${urlPath}`, expected: service, got, ok: got === service });
      expect(got).toBe(service);
      const seen = `${JSON.stringify(res.headers)}\n${res.body}`;
      for (const name of internal) if (seen.includes(name)) report.edgeLeaks.push(`${urlPath}: ${name}`);
    }
    expect(report.edgeLeaks).toEqual([]);
    for (const [urlPath, service] of WEBSOCKETS) await upgrades(host('edge').address, PUBLIC.edge, urlPath, service, 'edge ');
  });

  test('the edge keeps admin and reporting paths off the Internet (404, never forwarded)', async () => {
    for (const urlPath of EDGE_REFUSED) {
      const res = await get(host('edge').address, PUBLIC.edge, urlPath);
      report.routes.push({ path: `edge ${urlPath} (refused)`, expected: '404', got: String(res.status), ok: res.status === 404 });
      expect({ urlPath, status: res.status, reachedService: res.headers['x-stub-service'] }).toEqual({ urlPath, status: 404, reachedService: undefined });
    }
  });

  test("xuc's stand-in received its env and /conf/xuc.conf with the secrets rendered", async () => {
    const answer = await retry(() => get(host('cc-core').address, PUBLIC.xucHost, '/xuc/api/2.0/env-probe'), (r) => r.status === 200);
    const received = JSON.parse(answer.body).env as Record<string, string>;
    expect(received.PLAY_AUTH_TOKEN).toBe(secrets.play_auth_token);
    expect(received.CONFIG_FILE).toBe('/conf/xuc.conf');
    expect(received.JAVA_OPTS).toContain(`-Djavax.net.ssl.trustStorePassword=${secrets.xuc_truststore_password}`);
    expect(received.LOGIN_TIMEOUT_MS).toBe('6000');
    const conf = await get(host('cc-core').address, PUBLIC.xucHost, '/xuc/__stub/file?path=/conf/xuc.conf');
    expect(conf.status).toBe(200);
    expect(conf.body).toMatch(/^include "application.conf"/m);
    expect(conf.body).toContain(`managerPassword = ${JSON.stringify(secrets.ldap_manager_password)}`);
    // The truststore job ran keytool in the xuc image and exited 0 before xuc started.
    const job = JSON.parse(docker(host('cc-core'), ['inspect', '--format', '{{json .State}}', 'xivocc-xuc-truststore']));
    expect({ status: job.Status, exitCode: job.ExitCode }).toEqual({ status: 'exited', exitCode: 0 });
  });

  test('a second plan of every stack shows no change, and a second deploy recreates no container', async () => {
    for (const stack of STACKS) {
      const plan = planStack(stackDir(stack), env);
      report.stacks[stack].secondPlanChanges = plan.changes;
    }
    expect(Object.fromEntries(STACKS.map((s) => [s, report.stacks[s].secondPlanChanges]))).toEqual(Object.fromEntries(STACKS.map((s) => [s, []])));
    const before = allContainers();
    await deploy();
    expect(replacedSince(before)).toEqual([]);
  });

  test('changing auth.loginTimeoutMs replaces exactly the containers that read it', async () => {
    const before = allContainers();
    writeEnvironment(ENV_DIR, hosts, tlsDir, { loginTimeoutMs: 6500 });
    await deploy();
    report.settingChange.replaced = replacedSince(before);
    expect(report.settingChange.replaced).toEqual(['cc-core/xivocc-xuc']);
    expect(inspectEnv(host('cc-core'), 'xivocc-xuc').LOGIN_TIMEOUT_MS).toBe('6500');
  });

  test("the real plan agrees with impact's replacement table: memory updates xuc in place, an env change replaces it", () => {
    const xucOf = (plan: ReturnType<typeof planStack>) => plan.changes.filter((c) => c.startsWith('docker_container.cc_xuc_service_container'));
    writeEnvironment(ENV_DIR, hosts, tlsDir, { loginTimeoutMs: 6500, xucMemoryMb: 3000 });
    const memory = planStack(stackDir(`${E2E_ENV}-cc-core`), env, true);
    expect(xucOf(memory)).toEqual([expect.stringMatching(/: update \[(.*, )?memory, memory_swap(, .*)?\]$/)]);
    expect([effectOf('docker_container', 'memory'), effectOf('docker_container', 'memory_swap')]).toEqual(['update', 'update']);
    writeEnvironment(ENV_DIR, hosts, tlsDir, { loginTimeoutMs: 7000 });
    const envChange = planStack(stackDir(`${E2E_ENV}-cc-core`), env, true);
    expect(xucOf(envChange)).toEqual([expect.stringMatching(/: (delete\+create|create\+delete) \[(.*, )?env(, .*)?\]$/)]);
    expect(effectOf('docker_container', 'env')).toBe('replace');
    writeEnvironment(ENV_DIR, hosts, tlsDir, { loginTimeoutMs: 6500 });
  });

  test('rotating TF_VAR_play_auth_token leaves every holder on the new value', async () => {
    const old = secrets.play_auth_token;
    secrets.play_auth_token = randomSecret(24);
    env = deployEnv(tools, envFile, secrets);
    await deploy();
    let files = 0;
    let holders = 0;
    for (const h of hosts) {
      for (const dir of ['etc/docker/xivo', 'etc/docker/compose', 'etc/docker/mds']) {
        const file = path.join(h.fsRoot, dir, 'custom.env');
        if (!fs.existsSync(file)) continue;
        const text = fs.readFileSync(file, 'utf8');
        expect({ file, token: /^PLAY_AUTH_TOKEN=(.*)$/m.exec(text)?.[1] }).toEqual({ file, token: secrets.play_auth_token });
        files++;
      }
      for (const c of containers(h)) {
        const value = inspectEnv(h, c.name).PLAY_AUTH_TOKEN;
        if (value === undefined) continue;
        expect({ container: `${h.name}/${c.name}`, token: value }).toEqual({ container: `${h.name}/${c.name}`, token: secrets.play_auth_token });
        holders++;
      }
    }
    report.tokenRotation = { hostFiles: files, containers: holders };
    expect(files).toBeGreaterThanOrEqual(3);
    expect(holders).toBeGreaterThanOrEqual(2);
    expect(secrets.play_auth_token).not.toBe(old);
  });

  test('cdktf destroy of a stack with data volumes is refused by prevent_destroy, and the data survives', async () => {
    const reporting = host('cc-reporting');
    const volume = 'xivocc-recording-server-recordings';
    const marker = path.join(WORK, 'marker.txt');
    fs.writeFileSync(marker, `recording ${Date.now()}\n`);
    docker(reporting, ['cp', marker, 'xivocc-recording-server:/var/spool/recording-server/marker.txt']);
    const before = allContainers();
    const res = await cdktf('destroy', [`${E2E_ENV}-cc-reporting`], OUTDIR, env);
    expect(res.status).not.toBe(0);
    // cdktf only says "Invoking Terraform CLI failed"; Terraform's own plan says why.
    const why = planDestroy(stackDir(`${E2E_ENV}-cc-reporting`), env);
    const protectedVolumes = Object.values<any>(synthesized(`${E2E_ENV}-cc-reporting`).resource.docker_volume).filter((v) => v.lifecycle?.prevent_destroy);
    expect(protectedVolumes.length).toBeGreaterThanOrEqual(2);
    expect((why.match(/Instance cannot be destroyed/g) ?? []).length).toBe(protectedVolumes.length);
    expect(why).toContain('has\nlifecycle.prevent_destroy set');
    report.destroyRefused = true;
    expect(replacedSince(before)).toEqual([]);
    const read = docker(reporting, ['run', '--rm', '-v', `${volume}:/data:ro`, 'busybox:stable', 'cat', '/data/marker.txt']);
    expect(read).toBe(fs.readFileSync(marker, 'utf8'));
  });
});
