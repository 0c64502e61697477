/** The runbooks of every environment: takeover (linked from the README), host prerequisites per XiVO release, interrupted deploys. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { debianFor, findRelease } from '../../catalogue/releases';
import { FORBIDDEN_COMPOSE_COMMANDS } from '../../stacks/takeover-runbook';
import { interruptedDeployRunbook } from '../../stacks/interrupted-deploy-runbook';
import { baseline, load } from '../support/environments';
import { synthEnvironments, SynthOutput } from '../support/synth';

let out: SynthOutput;
beforeAll(() => {
  out = synthEnvironments();
});
afterAll(() => fs.rmSync(path.dirname(out.outdir), { recursive: true, force: true }));

const specs = fs
  .readdirSync('environments')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(fs.readFileSync(path.join('environments', f), 'utf8')));
const environments = specs.map((s) => s.name as string).sort();
const runbook = (env: string) => out.files().get(`runbooks/${env}/takeover.md`);

test.each(environments)('%s has a takeover runbook', (env) => {
  const text = runbook(env);
  expect(text).toBeDefined();
  for (const heading of [
    '## Before you start',
    '## Adopted volumes',
    '## Order, server by server',
    '## Rolling back one server',
    '## Checks after each server',
  ]) {
    expect(text).toContain(heading);
  }
});

test('prod: servers in start order, Compose services to stop per CC server, the adopted volume, its ports', () => {
  const text = runbook('prod')!;
  const order = [...text.matchAll(/^### \d+\. (\S+) /gm)].map((m) => m[1]);
  expect(order).toEqual(['pbx', 'mds1', 'mds2', 'cc-core', 'cc-reporting', 'uc', 'edge']);
  expect(text).toContain('xivocc-dcomp stop pgxivocc xivo-db-replication xivo-full-stats xuc xucmgt nginx\n');
  expect(text).toContain('| `cc.pgxivocc` | `data` | `xivocc_pgxivocc_data` | cc-core |');
  expect(text).toContain('5443/tcp (cc.pgxivocc)');
  expect(text).toContain('cp -p /etc/docker/<role>/custom.env.backup-<UTC time> /etc/docker/<role>/custom.env');
  for (const command of FORBIDDEN_COMPOSE_COMMANDS) expect(text).toContain(`xivocc-dcomp ${command}`);
  // No secret, no variable reference.
  expect(text).not.toMatch(/\$\{var\./);
});

test('a server that publishes no port (PBX, MDS) gets no port check command', () => {
  const pbx = runbook('prod')!.split('### 2. ')[0].split('### 1. ')[1];
  expect(pbx).toContain('publish here (Docker refuses to start a container whose port is taken): none.\n');
  expect(pbx).not.toContain('ss -ltnup');
  expect(runbook('prod')).not.toContain(':(-)');
});

test('an environment without adoptVolumes says how to adopt', () => {
  expect(runbook('lab')).toContain('adoptVolumes: { data: <name shown by docker volume ls> }');
});

test('the README links the takeover runbook and names the Compose commands not to use', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  expect(readme).toContain('`takeover.md`');
  for (const command of FORBIDDEN_COMPOSE_COMMANDS) expect(readme).toContain(`\`xivocc-dcomp ${command}\``);
});

test.each([
  ['Izar', 11],
  ['Luna', 11],
  ['Maia', 12],
  ['Orion', 12],
  ['Helios', undefined],
])('%s installs on Debian %s', (name, debian) => {
  expect(debianFor(findRelease(name)!)).toBe(debian);
});

test.each(specs.map((s) => [s.name as string, s] as const))(
  '%s: host-prerequisites.md names the release, Debian, overlay2, XFS ftype=1 and every server',
  (name, spec) => {
    const text = out.files().get(`runbooks/${name}/host-prerequisites.md`)!;
    const release = findRelease(spec.release)!;
    expect(text).toContain(`XiVO ${release.name} (${release.version})`);
    expect(text).toContain(`Debian ${debianFor(release)}`);
    expect(text).toContain('`overlay2`');
    expect(text).toContain('`ftype=1`');
    for (const server of spec.servers) expect(text).toContain(`| \`${server.name}\` | \`${server.docker.host}\` |`);
  },
);

test('prod states Debian 12 for its PBX', () => {
  expect(out.files().get('runbooks/prod/host-prerequisites.md')).toContain('| `pbx` | `ssh://deploy@10.20.0.10` | xivo | 12 |');
});

describe('interrupted-deploy.md: what a re-run does, and the state lock of each backend', () => {
  test.each(environments)('%s has one, with the deploy command to re-run', (env) => {
    expect(out.files().get(`runbooks/${env}/interrupted-deploy.md`)).toContain(`npm run deploy -- --env ${env}\n`);
  });

  test('pg: each stack with its schema and the query of its state id; the SQL that finds and ends a stale session', () => {
    const env = { ...baseline(), backend: { type: 'pg', schemaPrefix: 'xivo_' } };
    const text = interruptedDeployRunbook(load(env), load(env).servers, ['test-cc-key']);
    expect(text).toContain("| `test-pbx` | `xivo_test_pbx` | `SELECT id FROM xivo_test_pbx.states WHERE name = 'default';` |");
    expect(text).toContain("| `test-cc` | `xivo_test_cc` | `SELECT id FROM xivo_test_cc.states WHERE name = 'default';` |");
    // The CC's key stack is locked the same way (issue 20).
    expect(text).toContain("| `test-cc-key` | `xivo_test_cc_key` | `SELECT id FROM xivo_test_cc_key.states WHERE name = 'default';` |");
    expect(text).toContain(
      "   SELECT l.objid AS state_id, a.pid, a.client_addr, a.backend_start, a.state, a.state_change\n   FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid\n   WHERE l.locktype = 'advisory' AND l.granted;\n",
    );
    expect(text).toContain('`terraform force-unlock` does **not** release a pg lock');
    expect(text).toContain('`SELECT pg_terminate_backend(<pid>);`');
  });

  test('s3 with a lock table and http: force-unlock with the id the error gives; local: a crash leaves no lock', () => {
    expect(out.files().get('runbooks/prod/interrupted-deploy.md')).toContain('locked in the DynamoDB table `terraform-locks`');
    expect(out.files().get('runbooks/prod/interrupted-deploy.md')).toContain('terraform force-unlock <lock id>');
    const http = interruptedDeployRunbook(load({ ...baseline(), backend: { type: 'http', address: 'https://state.example.com/xivo' } }), []);
    expect(http).toContain('State lives behind `https://state.example.com/xivo` (`backend: http`)');
    expect(out.files().get('runbooks/lab/interrupted-deploy.md')).toContain('it ends with the process, so a crashed deploy leaves none');
  });
});
