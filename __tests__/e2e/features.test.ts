/**
 * Every feature applied at least once: the features environment (features-environment.ts: a PBX,
 * an MDS and a UC-Addon with Kerberos, CAS, the outbound queue, XiVO authentication off,
 * AUTH_PREVENT_XUC_LOGIN=false and operator-provided certificates) deployed with the README's
 * `cdktf deploy` by real Terraform and providers on three more test hosts, each feature then
 * checked where it lands: through the front (HTTPS verified with the test's own root), in the
 * host files, and inside the xuc container by a JVM reading xuc.conf and the keytab as xuc does.
 * A second plan of the three stacks must be empty.
 *
 * Costly (about a minute): `npm run test:e2e` (root, Go, docker.io, MIT Kerberos, Typesafe Config).
 */
import { createHash, createPublicKey, X509Certificate } from 'crypto';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { splitPemCertificates } from '../../constructs/xuc/auth-checks';
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
  inspectEnv,
  isRoot,
  planStack,
  progress,
  platformSecrets,
  randomSecret,
  stateResources,
  TestHost,
  Tools,
  WORK,
} from './harness';
import {
  CAS,
  FEATURE_HOST_SPECS,
  FEATURE_PUBLIC,
  FEATURE_SERVERS,
  FeatureFiles,
  FeatureServer,
  FEATURES_ENV,
  KERBEROS,
  OUTBOUND_QUEUE,
  renewFrontCertificate,
  writeFeaturesEnvironment,
  writeKeytab,
} from './features-environment';
import { httpsGet, HttpsAnswer, retry, WEBSOCKET_ACCEPT, WEBSOCKET_HEADERS } from './probes';
import { writeReportSection } from './report';
import { importStackStandIns, runHostStandIn } from './stand-ins';
import { describeWithPrograms } from '../support/programs';
import { TYPESAFE_CONFIG_JAR } from '../support/hocon-check';

const HERE = path.join(WORK, 'features');
const OUTDIR = path.join(HERE, 'cdktf.out');
const ENV_DIR = path.join(HERE, 'env');
const SERVERS = Object.keys(FEATURE_SERVERS) as FeatureServer[];
const STACKS = SERVERS.map((s) => `${FEATURES_ENV}-${s}`);
const UC_STACK = `${FEATURES_ENV}-uc`;
const XUC = 'ucaddon-xuc';
/** XucCheck (scripts/e2e/xuc-check), run in the xuc container with xuc's own JAVA_OPTS and CONFIG_FILE. */
const XUC_CHECK = 'exec java $JAVA_OPTS -cp /opt/xuc-check/check:/opt/xuc-check/typesafe-config.jar XucCheck';

interface FeatureLine {
  feature: string;
  stack: string;
  checked: string;
  ok: boolean;
  error?: string;
}
/** e2e-report.json `features`: a line per feature. */
const features: FeatureLine[] = [];
/** e2e-report.json `featuresEstate`: the environment the features were applied with. */
const report = {
  environment: FEATURES_ENV,
  hosts: [] as { name: string; address: string; docker: string }[],
  stacks: {} as Record<string, { resources: number; applySeconds: number; secondPlanChanges: string[] }>,
  deploySeconds: 0,
  /** Wall time of this file: what it adds to the e2e suite. */
  fileSeconds: 0,
  routes: [] as { path: string; expected: string; got: string; ok: boolean }[],
  /** Secrets (variables, keys, keytabs) found in what cdktf printed: none expected. */
  secretsInOutput: [] as string[],
  /** Containers the deploy of a new keytab and a renewed front certificate replaced. */
  renewal: { replaced: [] as string[] },
};

const started = Date.now();
let tools: Tools;
let hosts: TestHost[];
let env: NodeJS.ProcessEnv;
let secrets: Record<string, string>;
let files: FeatureFiles;
let synthOutput = '';
/** Everything cdktf printed (synth, plans, applies): what a CI log keeps. */
const cdktfOutputs: string[] = [];
/** Secret material the test made (keys, keytabs), by name: none may appear in cdktf's output. */
const secretMaterial = new Map<string, string>();

/**
 * What would show a secret file in a log: a keytab's base64, or the body lines of a PEM key, less
 * the lines its certificate shares with it (the public modulus may fall on the same base64 lines).
 */
function rememberSecretFile(name: string, file: string, certificate?: string): void {
  const bytes = fs.readFileSync(file);
  if (!certificate) {
    secretMaterial.set(name, bytes.toString('base64'));
    return;
  }
  const publicLines = new Set(fs.readFileSync(certificate, 'utf8').split('\n'));
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((line, i) => {
      if (/^[A-Za-z0-9+/=]{40,}$/.test(line) && !publicLines.has(line)) secretMaterial.set(`${name} line ${i + 1}`, line);
    });
}
const host = (server: FeatureServer) => hosts.find((h) => h.name === FEATURE_SERVERS[server])!;
const stackDir = (stack: string) => path.join(OUTDIR, 'stacks', stack);

/** The README's `cdktf deploy '<env>-*'`; fails with the CLI's output when it fails. */
async function deploy(): Promise<CdktfRun> {
  const res = await cdktf('deploy', [`${FEATURES_ENV}-*`], OUTDIR, env);
  cdktfOutputs.push(res.output);
  if (res.status !== 0) throw new Error(`cdktf deploy failed (${res.status}):\n${res.output.slice(-6000)}`);
  return res;
}

/** Runs `body`; its outcome becomes the feature's line of e2e-report.json. */
async function feature(name: string, stack: string, checked: string, body: () => void | Promise<void>): Promise<void> {
  try {
    await body();
    features.push({ feature: name, stack, checked, ok: true });
  } catch (e) {
    features.push({ feature: name, stack, checked, ok: false, error: (e as Error).message.slice(0, 2000) });
    throw e;
  }
}

/** Through the UC-Addon front, trusting only the test's root CA. */
function front(urlPath: string, headers: Record<string, string> = {}): Promise<HttpsAnswer> {
  return httpsGet(host('uc').address, FEATURE_PUBLIC.ucAddonHost, urlPath, fs.readFileSync(files.rootCa), headers);
}

/** The environment a stub behind the front was started with (it answers it on any path). */
async function envBehind(urlPath: string, service: string): Promise<Record<string, string>> {
  const res = await retry(
    () => front(urlPath),
    (r) => r.status === 200,
  );
  const answer = JSON.parse(res.body);
  expect({ urlPath, service: answer.service }).toEqual({ urlPath, service });
  return answer.env;
}

async function routesTo(urlPath: string, service: string): Promise<void> {
  const res = await retry(
    () => front(urlPath),
    (r) => r.status === 200,
  );
  const got = res.status === 200 ? JSON.parse(res.body).service : `HTTP ${res.status}`;
  report.routes.push({ path: urlPath, expected: service, got, ok: got === service });
  expect({ urlPath, got }).toEqual({ urlPath, got: service });
}

async function upgradesTo(urlPath: string, service: string): Promise<void> {
  const res = await retry(
    () => front(urlPath, WEBSOCKET_HEADERS),
    (r) => r.status === 101,
  );
  const got = res.status === 101 ? `101 ${res.headers['x-stub-service']}` : String(res.status);
  report.routes.push({ path: `${urlPath} (WebSocket)`, expected: `101 ${service}`, got, ok: got === `101 ${service}` });
  expect({ urlPath, got, accept: res.headers['sec-websocket-accept'] }).toEqual({ urlPath, got: `101 ${service}`, accept: WEBSOCKET_ACCEPT });
}

/** A host file as the host sees it: content and mode. */
function hostFile(server: FeatureServer, file: string): { content: Buffer; mode: string } {
  const on = path.join(host(server).fsRoot, file);
  return { content: fs.readFileSync(on), mode: (fs.statSync(on).mode & 0o777).toString(8).padStart(4, '0') };
}

function envFileKeys(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

/** What XucCheck read in the xuc container: xuc.conf as Typesafe Config resolves it, the Kerberos key as the JVM finds it. */
function xucCheck(): {
  config: any;
  kerberos: { principal: string; realm: string; keyTab: string; keys: { type: number; version: number }[]; passwordSha256: string };
} {
  return JSON.parse(docker(host('uc'), ['exec', XUC, 'sh', '-c', XUC_CHECK]));
}

/** A container file's mode and bytes (base64), read inside the container. */
function containerFile(container: string, file: string): { mode: string; base64: string } {
  const mode = docker(host('uc'), ['exec', container, 'stat', '-c', '%a', file]).trim().padStart(4, '0');
  return { mode, base64: docker(host('uc'), ['exec', container, 'base64', file]).replace(/\s+/g, '') };
}

/** The `upload` blocks of a container in the stack's state (what Terraform delivered), by file. */
function uploadsOf(stack: string, containerName: string): Map<string, { content: string; content_base64: string; permissions: string }> {
  const container = [...stateResources(stackDir(stack), env).values()].find((v) => v.name === containerName && Array.isArray(v.upload));
  return new Map((container?.upload ?? []).map((u: any) => [u.file, u]));
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
const fingerprintsOf = (...pemFiles: string[]) => pemFiles.map((f) => fingerprint(fs.readFileSync(f, 'utf8')));

/**
 * What the UC-Addon front serves, as `openssl s_client` sees it trusting only the test's root
 * (SNI and host name checked, any verify error fatal): the verify result and the chain's fingerprints.
 */
function servedChain(): { verify: string | undefined; chain: string[] } {
  const args = [
    's_client',
    '-connect',
    `${host('uc').address}:443`,
    '-servername',
    FEATURE_PUBLIC.ucAddonHost,
    '-CAfile',
    files.rootCa,
    '-verify_hostname',
    FEATURE_PUBLIC.ucAddonHost,
    '-verify_return_error',
    '-showcerts',
  ];
  const res = spawnSync('openssl', args, { input: '', encoding: 'utf8', timeout: 20_000 });
  const verify = /Verify return code: (\d+ \([^)]*\))/.exec(res.stdout)?.[1];
  return {
    verify: res.status === 0 ? verify : `exit ${res.status}: ${verify ?? res.stderr.slice(-500)}`,
    chain: splitPemCertificates(res.stdout).map(fingerprint),
  };
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const requirements = {
  ...E2E_REQUIREMENTS,
  ...(isRoot() ? {} : { 'root user': 'root (network namespaces and dockerd need it)' }),
  javac: 'openjdk-17-jdk-headless',
  [TYPESAFE_CONFIG_JAR]: 'libtypesafe-config-java',
  ktutil: 'krb5-user',
};

describeWithPrograms(
  'every feature applied at least once: MDS, UC-Addon, Kerberos, CAS, provided certificates, outbound queue, XiVO auth off, xuc login',
  requirements,
  () => {
    jest.setTimeout(30 * 60 * 1000);

    beforeAll(async () => {
      fs.rmSync(HERE, { recursive: true, force: true });
      fs.mkdirSync(HERE, { recursive: true });
      progress('features: building or finding terraform, the providers and the stand-in images');
      tools = buildTools();
      const tarballs = buildImageTarballs();
      progress('features: starting test hosts');
      hosts = hostsUp(FEATURE_HOST_SPECS).hosts;
      report.hosts = hosts.map((h) => ({ name: h.name, address: h.address, docker: h.tcp || h.socket }));
      secrets = platformSecrets({ kerberos_password: randomSecret(12) });
      files = writeFeaturesEnvironment(ENV_DIR, hosts, secrets.kerberos_password);
      env = deployEnv(tools, files.envFile, secrets);
      const synth = await cdktf('synth', [], OUTDIR, env);
      if (synth.status !== 0) throw new Error(`cdktf synth failed:\n${synth.output.slice(-4000)}`);
      synthOutput = synth.output;
      cdktfOutputs.push(synth.output);
      for (const [name, value] of Object.entries(secrets)) secretMaterial.set(`TF_VAR_${name}`, value);
      rememberSecretFile('keytab (kvno 3)', files.keytab);
      rememberSecretFile('front key', files.frontKey, files.frontCert);
      rememberSecretFile('CTI key', files.ctiKey, files.ctiCert);
      progress('features: importing stand-in images');
      for (const server of SERVERS) importStackStandIns(host(server), path.join(stackDir(`${FEATURES_ENV}-${server}`), 'cdk.tf.json'), tarballs);
      // XiVO's own services, not deployed by us: Asterisk's HTTP server (SIP over WebSocket) on the
      // PBX and on the MDS, and the PBX's configmgt.
      runHostStandIn(host('pbx'), tarballs, 'asterisk-pbx', 5039);
      runHostStandIn(host('pbx'), tarballs, 'xivo-configmgt', 9100);
      runHostStandIn(host('mds1'), tarballs, 'asterisk-mds1', 5039);
      progress('features: ready');
    });

    afterAll(() => {
      report.fileSeconds = Math.round((Date.now() - started) / 100) / 10;
      writeReportSection('features', features);
      writeReportSection('featuresEstate', report);
      const ok = features.filter((f) => f.ok).length;
      const changes = Object.values(report.stacks).reduce((n, s) => n + s.secondPlanChanges.length, 0);
      console.log(
        `e2e features: ${ok}/${features.length} features checked after a real apply (${features.map((f) => `${f.feature} ${f.ok ? 'ok' : 'FAILED'}`).join(', ')}); ` +
          `${Object.keys(report.stacks).length} stacks on ${report.hosts.length} hosts applied in ${Math.round(report.deploySeconds)} s; second plan: ${changes} changes; ` +
          `routes ${report.routes.filter((r) => r.ok).length}/${report.routes.length}; this file: ${report.fileSeconds} s`,
      );
      if (!process.env.XIVO_E2E_KEEP) hostsDown();
    });

    test('the PBX, MDS and UC-Addon stacks apply with the README deploy command', async () => {
      const t0 = Date.now();
      const res = await deploy();
      report.deploySeconds = (Date.now() - t0) / 1000;
      for (const stack of STACKS) {
        const resources = [...stateResources(stackDir(stack), env).keys()].filter((a) => !a.startsWith('data.')).length;
        report.stacks[stack] = { resources, applySeconds: res.stackSeconds[stack] ?? 0, secondPlanChanges: [] };
        expect({ stack, applied: resources > 0 }).toEqual({ stack, applied: true });
      }
    });

    test('MDS: its custom.env holds the shared token, and the front reaches its Asterisk over /wssip-mds1', () =>
      feature(
        'MDS',
        `${FEATURES_ENV}-mds1`,
        "/etc/docker/mds/custom.env on the MDS host (PLAY_AUTH_TOKEN = TF_VAR_play_auth_token, XIVO_HOST, mode 0600); /wssip-mds1 upgrades (101) at the MDS host's Asterisk, /wssip at the PBX's",
        async () => {
          const file = hostFile('mds1', 'etc/docker/mds/custom.env');
          expect(envFileKeys(file.content.toString('utf8'))).toEqual({
            PLAY_AUTH_TOKEN: secrets.play_auth_token,
            XIVO_HOST: FEATURE_PUBLIC.xivoHost,
          });
          expect(file.mode).toBe('0600');
          await upgradesTo('/wssip-mds1', 'asterisk-mds1');
          await upgradesTo('/wssip', 'asterisk-pbx');
        },
      ));

    test('UC-Addon: its front routes the UC applications, xuc and configmgt; its custom.env and xuc carry its public name and the token', () =>
      feature(
        'UC-Addon',
        UC_STACK,
        "/etc/docker/compose/custom.env on the UC host; through its front (HTTPS, SNI): /, /ucassistant, /switchboard -> xucmgt, /xuc and login -> xuc, /configmgt -> the PBX's, CTI WebSocket 101; xuc env XUC_HOST, XIVO_HOST, PLAY_AUTH_TOKEN; the containers takeover.md lists for uc are the ones running there, and xivo-side.md's log check names its xuc",
        async () => {
          const file = hostFile('uc', 'etc/docker/compose/custom.env');
          expect(envFileKeys(file.content.toString('utf8'))).toEqual({
            PLAY_AUTH_TOKEN: secrets.play_auth_token,
            XIVO_HOST: FEATURE_PUBLIC.xivoHost,
            XUC_HOST: FEATURE_PUBLIC.ucAddonHost,
          });
          expect(file.mode).toBe('0600');
          for (const [urlPath, service] of [
            ['/', 'xucmgt'],
            ['/ucassistant', 'xucmgt'],
            ['/switchboard', 'xucmgt'],
            ['/xuc', 'xuc'],
            ['/xuc/api/2.0/auth/login', 'xuc'],
            ['/configmgt', 'xivo-configmgt'],
          ]) {
            await routesTo(urlPath, service);
          }
          await upgradesTo('/xuc/api/2.0/cti', 'xuc');
          const xuc = await envBehind('/xuc/api/2.0/env-probe', 'xuc');
          expect({ XUC_HOST: xuc.XUC_HOST, XIVO_HOST: xuc.XIVO_HOST, PLAY_AUTH_TOKEN: xuc.PLAY_AUTH_TOKEN }).toEqual({
            XUC_HOST: FEATURE_PUBLIC.ucAddonHost,
            XIVO_HOST: FEATURE_PUBLIC.xivoHost,
            PLAY_AUTH_TOKEN: secrets.play_auth_token,
          });
          // The runbooks name what runs: takeover.md's managed containers, xivo-side.md's log check.
          const runbook = (name: string) => fs.readFileSync(path.join(OUTDIR, 'runbooks', FEATURES_ENV, `${name}.md`), 'utf8');
          const managed = /### \d+\. uc \(ucaddon\)[\s\S]*?Containers now managed: (.*)\./
            .exec(runbook('takeover'))![1]
            .match(/[\w.-]+/g)!
            .sort();
          const running = containers(host('uc'))
            .filter((c) => c.state === 'running')
            .map((c) => c.name)
            .sort();
          expect(managed).toEqual(running);
          const logsOf = /- `uc`: .*`docker logs ([\w.-]+)`/.exec(runbook('xivo-side'))![1];
          expect({ logsOf, running: running.includes(logsOf) }).toEqual({ logsOf: XUC, running: true });
        },
      ));

    test('Kerberos: the keytab and krb5.conf are in xuc, and its JVM finds the service key with JAVA_OPTS as deployed; xucmgt has SSO on', () =>
      feature(
        'Kerberos',
        UC_STACK,
        "keytab bytes and mode in the xuc container = the test's keytab and the state's upload; /etc/krb5.conf = the upload; a JVM in xuc, run with its JAVA_OPTS, resolves -Dsecured.krb5.principal with /etc/krb5.conf's realm and finds its aes256 key (kvno 3) in -Dsecured.krb5.keyTab, password = TF_VAR_kerberos_password; xucmgt USE_SSO=true, XUC_HOST = the principal's host",
        async () => {
          const uploads = uploadsOf(UC_STACK, XUC);
          const keytab = uploads.get('/etc/kerberos/xuc.keytab')!;
          expect(keytab.content_base64).toBe(fs.readFileSync(files.keytab).toString('base64'));
          expect(containerFile(XUC, '/etc/kerberos/xuc.keytab')).toEqual({ mode: keytab.permissions, base64: keytab.content_base64 });
          const krb5 = uploads.get('/etc/krb5.conf')!;
          expect(containerFile(XUC, '/etc/krb5.conf')).toEqual({ mode: krb5.permissions, base64: Buffer.from(krb5.content).toString('base64') });
          const { kerberos } = xucCheck();
          expect(kerberos).toEqual({
            principal: `${KERBEROS.principal}@${KERBEROS.realm}`,
            realm: KERBEROS.realm,
            keyTab: '/etc/kerberos/xuc.keytab',
            keys: [{ type: 18, version: 3 }],
            passwordSha256: sha256(secrets.kerberos_password),
          });
          const xucmgt = await envBehind('/ucassistant', 'xucmgt');
          expect({ USE_SSO: xucmgt.USE_SSO, XUC_HOST: xucmgt.XUC_HOST }).toEqual({ USE_SSO: 'true', XUC_HOST: FEATURE_PUBLIC.ucAddonHost });
        },
      ));

    test('CAS: xuc and xucmgt get the CAS server, xuc the logout setting', () =>
      feature('CAS', UC_STACK, 'through the front: xuc env CAS_SERVER_URL, CAS_LOGOUT_ENABLE=true; xucmgt env CAS_SERVER_URL', async () => {
        const xuc = await envBehind('/xuc/api/2.0/env-probe', 'xuc');
        expect({ CAS_SERVER_URL: xuc.CAS_SERVER_URL, CAS_LOGOUT_ENABLE: xuc.CAS_LOGOUT_ENABLE }).toEqual({
          CAS_SERVER_URL: CAS.serverUrl,
          CAS_LOGOUT_ENABLE: String(CAS.logout),
        });
        const xucmgt = await envBehind('/ucassistant', 'xucmgt');
        expect(xucmgt.CAS_SERVER_URL).toBe(CAS.serverUrl);
      }));

    test("provided certificates: the front serves leaf, intermediate and root in order, verified by openssl with only the test's root; the CTI server gets its chain", () =>
      feature(
        'operator-provided certificates',
        `${UC_STACK}, ${FEATURES_ENV}-pbx`,
        "openssl s_client to the UC front (SNI uc.feat.test, -CAfile root only, -verify_hostname, -verify_return_error): verify code 0 and served chain = leaf, intermediate, root (chainFiles were given out of order); xivoxc.key on the host = the test's key, 0600, xivoxc.csr signed by it (openssl req -verify); PBX /usr/share/xivo-certs/server.crt verified by openssl verify against the root, server.key matches it, 0600; no private key in cdktf.out",
        () => {
          expect(servedChain()).toEqual({ verify: '0 (ok)', chain: fingerprintsOf(files.frontCert, files.intermediateCa, files.rootCa) });
          const key = hostFile('uc', 'etc/docker/nginx/ssl/xivoxc.key');
          expect({ key: key.content.toString('utf8') === fs.readFileSync(files.frontKey, 'utf8'), mode: key.mode }).toEqual({
            key: true,
            mode: '0600',
          });
          // xivoxc.csr (XiVO keeps crt, csr and key side by side) is signed by that key, for the next renewal.
          const csr = spawnSync(
            'openssl',
            ['req', '-in', path.join(host('uc').fsRoot, 'etc/docker/nginx/ssl/xivoxc.csr'), '-verify', '-noout', '-pubkey'],
            { encoding: 'utf8' },
          );
          expect({
            status: csr.status,
            publicKey: csr.stdout.includes(createPublicKey(key.content).export({ type: 'spki', format: 'pem' }).toString()),
          }).toEqual({ status: 0, publicKey: true });

          const cti = hostFile('pbx', 'usr/share/xivo-certs/server.crt').content.toString('utf8');
          const ctiChain = splitPemCertificates(cti);
          expect(ctiChain.map(fingerprint)).toEqual(fingerprintsOf(files.ctiCert, files.intermediateCa, files.rootCa));
          const leaf = path.join(HERE, 'cti-leaf.pem');
          fs.writeFileSync(leaf, ctiChain[0]);
          const chainFile = path.join(HERE, 'cti-chain.pem');
          fs.writeFileSync(chainFile, cti);
          const verify = spawnSync(
            'openssl',
            ['verify', '-CAfile', files.rootCa, '-untrusted', chainFile, '-verify_hostname', FEATURE_PUBLIC.xivoHost, leaf],
            { encoding: 'utf8' },
          );
          expect({ status: verify.status, out: verify.stdout.trim() }).toEqual({ status: 0, out: `${leaf}: OK` });
          const ctiKey = hostFile('pbx', 'usr/share/xivo-certs/server.key');
          const publicOf = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' }).toString('base64');
          expect({
            matches: publicOf(createPublicKey(ctiKey.content)) === publicOf(new X509Certificate(ctiChain[0]).publicKey),
            mode: ctiKey.mode,
          }).toEqual({ matches: true, mode: '0600' });
          for (const stack of STACKS)
            expect({ stack, privateKey: fs.readFileSync(path.join(stackDir(stack), 'cdk.tf.json'), 'utf8').includes('PRIVATE KEY') }).toEqual({
              stack,
              privateKey: false,
            });
        },
      ));

    test('outbound queue: xuc.outboundLength in xuc.conf as xuc reads it (Typesafe Config, in the container), and its runbook', () =>
      feature(
        'outbound queue',
        UC_STACK,
        'XucCheck in the xuc container parses CONFIG_FILE (/conf/xuc.conf) with Typesafe Config: xuc.outboundLength = 8; runbook outbound-queue.md names the queue and its number',
        () => {
          const { config } = xucCheck();
          expect(config.xuc).toEqual({ outboundLength: OUTBOUND_QUEUE.outboundLength });
          const runbook = fs.readFileSync(path.join(OUTDIR, 'runbooks', FEATURES_ENV, 'outbound-queue.md'), 'utf8');
          expect(runbook).toContain(`| Name | \`${OUTBOUND_QUEUE.name}\` |`);
          expect(runbook).toContain(`| Number | \`${OUTBOUND_QUEUE.number}\` |`);
        },
      ));

    test('XiVO authentication off: authentication.xivo = "" in xuc.conf as xuc reads it, and nothing else configures authentication there', () =>
      feature(
        'XiVO authentication off',
        UC_STACK,
        'XucCheck in the xuc container: authentication = { xivo: "" } (Typesafe Config); xuc env CONFIG_FILE=/conf/xuc.conf',
        async () => {
          const { config } = xucCheck();
          expect(config.authentication).toEqual({ xivo: '' });
          expect(inspectEnv(host('uc'), XUC).CONFIG_FILE).toBe('/conf/xuc.conf');
        },
      ));

    test('AUTH_PREVENT_XUC_LOGIN=false reaches xuc, and synth warned about it once', () =>
      feature(
        'AUTH_PREVENT_XUC_LOGIN=false',
        UC_STACK,
        'through the front: xuc env AUTH_PREVENT_XUC_LOGIN=false; synth printed its warning (WARN [feat-uc/ucaddon/xuc]: ...) once',
        async () => {
          const xuc = await envBehind('/xuc/api/2.0/env-probe', 'xuc');
          expect(xuc.AUTH_PREVENT_XUC_LOGIN).toBe('false');
          // Once: under the cdktf CLI the app leaves the constructs' warnings to the CLI, which prints each as "WARN [path]: ...".
          expect(synthOutput.match(/AUTH_PREVENT_XUC_LOGIN=false lets anyone/g)?.length).toBe(1);
          expect(synthOutput).toContain(`WARN [${UC_STACK}/ucaddon/xuc]: AUTH_PREVENT_XUC_LOGIN=false lets anyone`);
        },
      ));

    test('renewals: a new keytab and a renewed front certificate are read at plan time and replace exactly their readers', () =>
      feature(
        'keytab rotation and certificate renewal',
        UC_STACK,
        "cdk.tf.json holds sensitive(filebase64()) of the keytab, not its bytes (nor any private key: see the certificates line); after a new keytab (kvno 4) and a new front key and certificate are written, a plan without synth replaces exactly xuc, nginx, the CSR and the xivoxc.{crt,key,csr} writers; the README deploy replaces exactly those; the front then serves the new leaf (openssl s_client, root only) and xuc's JVM finds kvno 4",
        async () => {
          const synthesized = fs.readFileSync(path.join(stackDir(UC_STACK), 'cdk.tf.json'), 'utf8');
          const xucJson = Object.values<any>(JSON.parse(synthesized).resource.docker_container).find((c) => c.name === XUC);
          expect(xucJson.upload.find((u: any) => u.file === '/etc/kerberos/xuc.keytab').content_base64).toMatch(
            /^\$\{sensitive\(filebase64\("[^"]*\/xuc\.keytab"\)\)\}$/,
          );
          expect(synthesized.includes(fs.readFileSync(files.keytab).toString('base64'))).toBe(false);

          writeKeytab(files.keytab, 4, secrets.kerberos_password);
          renewFrontCertificate(files);
          rememberSecretFile('keytab (kvno 4)', files.keytab);
          rememberSecretFile('renewed front key', files.frontKey, files.frontCert);
          const names = new Map([...stateResources(stackDir(UC_STACK), env)].map(([address, v]) => [address, v.name as string]));
          const planned = planStack(stackDir(UC_STACK), env).changes.map((c) => {
            const [, address, actions] = /^(\S+): (\S+)/.exec(c)!;
            return `${names.get(address) ?? address} ${actions === 'update' ? 'update' : 'replace'}`;
          });
          const expected = [
            'ucaddon-nginx',
            XUC,
            'xivo-file-etc-docker-nginx-ssl-xivoxc.crt',
            'xivo-file-etc-docker-nginx-ssl-xivoxc.csr',
            'xivo-file-etc-docker-nginx-ssl-xivoxc.key',
          ];
          // The new key also makes a new CSR (the file an operator gives the CA at the next renewal).
          expect(planned.sort()).toEqual([
            expect.stringMatching(/^tls_cert_request\.ucaddon_nginx_certificate_csr_\w+ replace$/),
            ...expected.map((n) => `${n} replace`),
          ]);
          const before = new Map(containers(host('uc')).map((c) => [c.name, c.id]));
          await deploy();
          const after = new Map(containers(host('uc')).map((c) => [c.name, c.id]));
          report.renewal.replaced = [...new Set([...before.keys(), ...after.keys()])].filter((n) => before.get(n) !== after.get(n)).sort();
          expect(report.renewal.replaced).toEqual(expected);
          expect(servedChain()).toEqual({ verify: '0 (ok)', chain: fingerprintsOf(files.frontCert, files.intermediateCa, files.rootCa) });
          expect(xucCheck().kerberos.keys).toEqual([{ type: 18, version: 4 }]);
        },
      ));

    test('no secret in what cdktf printed: plans mask the keys and keytabs read at plan time', () => {
      const output = cdktfOutputs.join('\n');
      report.secretsInOutput = [...secretMaterial].filter(([, value]) => output.includes(value)).map(([name]) => name);
      expect(report.secretsInOutput).toEqual([]);
      // The renewal's plan replaced the keytab's and the key's uploads: Terraform masked both blocks, old and new.
      const masked = cdktfOutputs[cdktfOutputs.length - 1].match(/# At least one attribute in this block is \(or was\) sensitive/g) ?? [];
      expect(masked.length).toBeGreaterThanOrEqual(4);
    });

    test('a second plan of every feature stack is empty', () => {
      for (const stack of STACKS) report.stacks[stack].secondPlanChanges = planStack(stackDir(stack), env).changes;
      expect(Object.fromEntries(STACKS.map((s) => [s, report.stacks[s].secondPlanChanges]))).toEqual(Object.fromEntries(STACKS.map((s) => [s, []])));
    });
  },
);
