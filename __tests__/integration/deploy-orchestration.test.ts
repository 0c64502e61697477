/**
 * deploy/: the order and the recoveries of `npm run deploy`, against a stand-in terraform
 * (support/fake-terraform.js) that answers from a scenario and records each call. Every stack is
 * planned at once; only stacks with changes are applied, each after its upstreams; a downstream is
 * planned again when an upstream's outputs changed or its first plan needed that upstream; a failed
 * stack stops only its dependents; stale plans, leftovers of an interrupted apply and locked states
 * are handled as the runbook says. The real thing is proved by the end-to-end suite.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deploy, deployOrder, DeployOptions } from '../../deploy/deploy';
import { explain, leftoversOf } from '../../deploy/failures';
import { jumpOf, matchesPattern, readStacks, selectStacks, StackInfo } from '../../deploy/stack-info';

const FAKE = path.join(__dirname, '..', 'support', 'fake-terraform.js');

interface Call {
  stack: string;
  command: string;
  args: string[];
  start: number;
  end: number;
}

let dir: string;
let outdir: string;
const saved = { tf: process.env.XIVO_TERRAFORM };

/** An output with stacks pbx <- (cc, uc) <- edge, e2e-style: pbx over ssh through a bastion, state in pg. */
function writeOutput(): StackInfo[] {
  const stacks: Record<string, string[]> = { 'x-pbx': [], 'x-cc': ['x-pbx'], 'x-uc': ['x-pbx'], 'x-edge': ['x-pbx', 'x-cc', 'x-uc'] };
  // Manifest order is not the deploy order: deploy orders them itself.
  const manifest = {
    version: '0.21.0',
    stacks: Object.fromEntries(
      Object.entries(stacks)
        .reverse()
        .map(([name, dependencies]) => [name, { name, dependencies }]),
    ),
  };
  fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify(manifest));
  for (const name of Object.keys(stacks)) {
    const server = name.slice(2);
    fs.mkdirSync(path.join(outdir, 'stacks', name), { recursive: true });
    fs.writeFileSync(
      path.join(outdir, 'stacks', name, 'cdk.tf.json'),
      JSON.stringify({
        terraform: { backend: { pg: { schema_name: name.replace('-', '_') } } },
        provider: {
          docker: [
            {
              host: `ssh://deploy@${server}.example`,
              ssh_opts: ['-o', 'StrictHostKeyChecking=yes', ...(server === 'pbx' ? ['-J', 'jump@bastion'] : [])],
            },
          ],
        },
        resource: {
          docker_network: {
            network: {
              labels: [
                { label: 'org.xivo.environment', value: 'x' },
                { label: 'org.xivo.server', value: server },
              ],
            },
          },
        },
      }),
    );
  }
  return readStacks(outdir);
}

async function run(scenario: Record<string, unknown>, extra: Partial<DeployOptions> = {}) {
  fs.writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(scenario));
  const log: string[] = [];
  const env = { ...process.env, FAKE_TF_SCENARIO: path.join(dir, 'scenario.json'), FAKE_TF_LOG: path.join(dir, 'calls.jsonl') };
  const result = await deploy({ outdir, stacks: readStacks(outdir), env, log: (l) => log.push(l), lockTimeout: '1m', ...extra });
  const calls: Call[] = fs.existsSync(path.join(dir, 'calls.jsonl'))
    ? fs
        .readFileSync(path.join(dir, 'calls.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
    : [];
  const of = (name: string) => result.stacks.find((s) => s.name === name)!;
  const callsOf = (stack: string, command: string) => calls.filter((c) => c.stack === stack && c.command === command);
  return { result, log, calls, of, callsOf };
}

const CHANGE = { changes: { add: 1, change: 0, remove: 1 } };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-deploy-'));
  outdir = path.join(dir, 'cdktf.out');
  fs.mkdirSync(outdir);
  writeOutput();
  process.env.XIVO_TERRAFORM = FAKE;
});
afterEach(() => {
  if (saved.tf === undefined) delete process.env.XIVO_TERRAFORM;
  else process.env.XIVO_TERRAFORM = saved.tf;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('reading and selecting the stacks', () => {
  test('stack facts come from the output synth wrote: dependencies, server, Docker host and jump host, backend', () => {
    const pbx = readStacks(outdir).find((s) => s.name === 'x-pbx')!;
    expect(pbx).toMatchObject({
      environment: 'x',
      server: 'pbx',
      docker: { url: 'ssh://deploy@pbx.example', jump: 'jump@bastion' },
      backend: { type: 'pg', location: 'schema x_pbx' },
    });
    expect(deployOrder(readStacks(outdir)).map((s) => s.name)).toEqual(['x-pbx', 'x-cc', 'x-uc', 'x-edge']);
  });

  test('jump hosts are read from -J, -Jhost and -o ProxyJump', () => {
    expect([
      jumpOf(['-J', 'a@b']),
      jumpOf(['-Ja@b:22']),
      jumpOf(['-o', 'ProxyJump=c']),
      jumpOf(['-oProxyJump c']),
      jumpOf(['-o', 'Port=22']),
    ]).toEqual(['a@b', 'a@b:22', 'c', 'c', '']);
  });

  test("stacks are selected by environment or by cdktf's patterns; an unknown name lists what exists", () => {
    const all = readStacks(outdir);
    expect(
      selectStacks(all, [], ['x'])
        .map((s) => s.name)
        .sort(),
    ).toEqual(['x-cc', 'x-edge', 'x-pbx', 'x-uc']);
    expect(
      selectStacks(all, ['x-*c'], [])
        .map((s) => s.name)
        .sort(),
    ).toEqual(['x-cc', 'x-uc']);
    expect(matchesPattern('x.cc', 'x-cc')).toBe(false);
    expect(() => selectStacks(all, ['y-*'], ['y'])).toThrow(
      'no environment named "y" (have: x)\nno stack matches "y-*" (have: x-edge, x-uc, x-cc, x-pbx)',
    );
  });
});

// Each test starts deploy's node process and a fake terraform per call: on two cores shared with other
// work (load average 16 was seen), that takes longer than Jest's default 5 s.
jest.setTimeout(60_000);

describe('order', () => {
  test('a deploy with nothing to change plans every stack at once and applies none', async () => {
    // Each plan waits until the four have started (a rendezvous, at most 10 s): run one at a time, they could not all start before one ends.
    const together = { plans: [{ meetPeers: 4 }] };
    const first = await run({ 'x-pbx': together, 'x-cc': together, 'x-uc': together, 'x-edge': together });
    expect(first.result.stacks.map((s) => s.result)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    // init once per stack (one at a time for pg: it creates the schema and a shared sequence) ...
    expect(first.calls.filter((c) => c.command === 'init')).toHaveLength(4);
    fs.rmSync(path.join(dir, 'calls.jsonl'));
    const { result, calls, callsOf } = await run({ 'x-pbx': together, 'x-cc': together, 'x-uc': together, 'x-edge': together });
    // ... then never again while nothing it depends on changes.
    expect(calls.filter((c) => c.command === 'init')).toEqual([]);
    expect(result.stacks.map((s) => s.result)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    const plans = calls.filter((c) => c.command === 'plan');
    expect(plans).toHaveLength(4);
    // All four ran side by side: each started before any ended.
    expect(Math.max(...plans.map((p) => p.start))).toBeLessThan(Math.min(...plans.map((p) => p.end)));
    expect(calls.filter((c) => c.command === 'apply')).toEqual([]);
    // Over ssh, three Docker API calls at once (each is an ssh connection).
    expect(callsOf('x-pbx', 'plan')[0].args).toEqual([
      'plan',
      '-input=false',
      '-lock=false',
      '-json',
      '-detailed-exitcode',
      '-out=.terraform/xivo-deploy.tfplan',
      '-parallelism=3',
    ]);
    // A change of the backend (or providers, lock file, CLI configuration) initialises that stack again.
    const config = path.join(outdir, 'stacks', 'x-cc', 'cdk.tf.json');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('"schema_name":"x_cc"', '"schema_name":"x_cc2"'));
    fs.rmSync(path.join(dir, 'calls.jsonl'));
    expect((await run({})).calls.filter((c) => c.command === 'init').map((c) => c.stack)).toEqual(['x-cc']);
  });

  test('one change: only that stack is applied; its dependents keep their plans when its outputs do not change', async () => {
    const { of, callsOf } = await run({ 'x-cc': { plans: [{ ...CHANGE, outputs: { ca: 'noop' } }] } });
    expect([of('x-pbx').result, of('x-cc').result, of('x-uc').result, of('x-edge').result]).toEqual([
      'unchanged',
      'applied',
      'unchanged',
      'unchanged',
    ]);
    expect(callsOf('x-edge', 'plan')).toHaveLength(1);
    // The apply runs the saved plan, trying the lock first without waiting.
    expect(callsOf('x-cc', 'apply')[0].args).toEqual(['apply', '-input=false', '-json', '-lock-timeout=0s', '.terraform/xivo-deploy.tfplan']);
  });

  test('an upstream whose outputs change is applied first; its dependents are planned again, then applied after it', async () => {
    const { of, callsOf } = await run({
      'x-pbx': { plans: [{ ...CHANGE, outputs: { ca: 'update' } }], applies: [{ sleepMs: 200 }] },
      'x-cc': { plans: [CHANGE, CHANGE] },
    });
    expect(of('x-cc').result).toBe('applied');
    expect(callsOf('x-cc', 'plan')).toHaveLength(2);
    expect(callsOf('x-uc', 'plan')).toHaveLength(2);
    expect(callsOf('x-cc', 'plan')[1].start).toBeGreaterThanOrEqual(callsOf('x-pbx', 'apply')[0].end);
    expect(callsOf('x-cc', 'apply')[0].start).toBeGreaterThanOrEqual(callsOf('x-pbx', 'apply')[0].end);
    expect(of('x-cc').applyStartMs).toBeGreaterThanOrEqual(of('x-pbx').applyEndMs);
  });

  test('a first deploy: the plans that need an upstream not deployed yet fail, and are planned again once it is', async () => {
    const missing = {
      code: 1,
      diagnostics: [{ summary: 'Unsupported attribute', detail: 'This object does not have an attribute named "ca_cert".' }],
    };
    const { result, callsOf } = await run({
      'x-pbx': { plans: [{ ...CHANGE, outputs: { ca: 'create' } }] },
      'x-cc': { plans: [missing, CHANGE] },
      'x-uc': { plans: [missing, CHANGE] },
      'x-edge': { plans: [missing, CHANGE] },
    });
    expect(result.stacks.map((s) => s.result)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(callsOf('x-edge', 'plan')).toHaveLength(2);
  });
});

describe('failures and recoveries', () => {
  test('a host that does not answer fails its stack naming the server and engine; dependents are skipped, the others deploy', async () => {
    const down = {
      code: 1,
      diagnostics: [
        {
          summary:
            'Unable to create container: error during connect: Post "http://docker.example.com/v1.47/containers/create": command [ssh …] has exited with exit status 255',
          address: 'docker_container.kibana',
        },
      ],
    };
    const { result, of, log } = await run({
      'x-pbx': { plans: [CHANGE] },
      'x-cc': { plans: [CHANGE], applies: [down] },
      'x-uc': { plans: [CHANGE] },
      'x-edge': { plans: [CHANGE] },
    });
    expect(result.stacks.map((s) => [s.name, s.result])).toEqual([
      ['x-pbx', 'applied'],
      ['x-cc', 'failed'],
      ['x-uc', 'applied'],
      ['x-edge', 'skipped'],
    ]);
    expect(of('x-cc').errors[0]).toBe('x-cc: apply failed: the Docker host of server cc (ssh://deploy@cc.example) did not answer.');
    expect(of('x-cc').errors[1]).toBe('x-cc: apply failed on docker_container.kibana (Docker host of server cc (ssh://deploy@cc.example)):');
    expect(of('x-edge').errors).toEqual(['x-edge: skipped: it depends on x-cc (failed)']);
    expect(log[log.length - 1]).toMatch(/^deploy: 4 stacks in [\d.]+ s \(CPU [\d.]+ s\): 2 applied, 1 failed, 1 skipped$/);
  });

  test("the pg backend's set-up racing another stack's first init is tried again; any other init failure is not", async () => {
    const race = {
      code: 1,
      stderr: 'Initializing the backend...\n\nError: pq: duplicate key value violates unique constraint "pg_class_relname_nsp_index"\n',
    };
    const other = { code: 1, stderr: 'Error: pq: password authentication failed for user "terraform"\n' };
    const { result, of, callsOf } = await run({
      'x-pbx': { inits: [race, { code: 0 }], plans: [CHANGE] },
      'x-cc': { inits: [race, race, { code: 0 }], plans: [CHANGE] },
      'x-uc': { inits: [other], plans: [CHANGE] },
      'x-edge': { plans: [CHANGE] },
    });
    expect(['x-pbx', 'x-cc', 'x-uc'].map((s) => [s, of(s).result, callsOf(s, 'init').length])).toEqual([
      ['x-pbx', 'applied', 2],
      ['x-cc', 'applied', 3],
      // Two plan attempts (a failed plan is planned again once the others are applied), one init each: never retried.
      ['x-uc', 'failed', 2],
    ]);
    expect(of('x-uc').errors.join('\n')).toContain('password authentication failed');
    expect(result.stacks.length).toBe(4);
  });

  test('a saved plan made stale by another deploy is planned again; nothing left to do is not an error', async () => {
    const stale = {
      code: 1,
      diagnostics: [
        {
          summary: 'Saved plan is stale',
          detail: 'The given plan file can no longer be applied because the state was changed by another operation after the plan was created.',
        },
      ],
    };
    const { of, log } = await run({ 'x-cc': { plans: [CHANGE, { changes: { add: 0, change: 0, remove: 0 } }], applies: [stale] } });
    expect(of('x-cc')).toMatchObject({ result: 'unchanged', stalePlans: 1, plans: 2 });
    expect(log).toContain('x-cc: another run changed the state since this plan: planning again');
  });

  test('a locked state: the apply says it waits, then waits up to --lock-timeout', async () => {
    const { of, log, callsOf } = await run({ 'x-cc': { plans: [CHANGE], applies: [{ lockedFor0s: true }] } });
    expect(of('x-cc')).toMatchObject({ result: 'applied', waitedForLock: true });
    expect(log).toContain('x-cc: the state (pg, schema x_cc) is locked by another run: waiting up to 1m');
    expect(callsOf('x-cc', 'apply').map((c) => c.args[3])).toEqual(['-lock-timeout=0s', '-lock-timeout=1m']);
  });

  test('a lock that is not released in time names the state and the runbook (pg: force-unlock does not help)', async () => {
    const locked = {
      code: 1,
      diagnostics: [
        { summary: 'Error acquiring the state lock', detail: 'Error message: Workspace is already locked: default\nLock Info:\n  ID: 1' },
      ],
    };
    const { of } = await run({ 'x-pbx': { plans: [CHANGE], applies: [locked] } });
    expect(of('x-pbx').result).toBe('failed');
    expect(of('x-pbx').errors[0]).toBe('x-pbx: apply refused: the state (pg backend, schema x_pbx) is locked by another Terraform run.');
    expect(of('x-pbx').errors[1]).toContain(`${outdir}/runbooks/x/interrupted-deploy.md says (terraform force-unlock does not release a pg lock)`);
    expect(of('x-pbx').errors.join('\n')).toContain('Workspace is already locked: default');
  });

  const conflict = {
    code: 1,
    diagnostics: [
      {
        summary:
          'Unable to create container: Error response from daemon: Conflict. The container name "/xivocc-xuc" is already in use by container "4f2a9c". You have to remove (or rename) that container to be able to reuse that name.',
        address: 'docker_container.xuc',
      },
    ],
  };
  /** What a deploy killed in the middle of creating the container left in the stack's journal. */
  const interruptedCreate = (stack: string, address: string) => {
    fs.mkdirSync(path.join(outdir, 'stacks', stack, '.terraform'), { recursive: true });
    fs.writeFileSync(
      path.join(outdir, 'stacks', stack, '.terraform', 'xivo-deploy-journal.jsonl'),
      `${JSON.stringify({ event: 'apply', creates: [address], at: 'then' })}\n`,
    );
  };

  test('a container an interrupted apply of this stack left behind (its journal says so) is imported, then replaced', async () => {
    interruptedCreate('x-cc', 'docker_container.xuc');
    const { of, callsOf } = await run({ 'x-cc': { plans: [CHANGE, CHANGE], applies: [conflict, {}] } });
    expect(of('x-cc')).toMatchObject({ result: 'applied', recovered: ['docker_container.xuc (container xivocc-xuc)'] });
    expect(callsOf('x-cc', 'import')[0].args).toEqual(['import', '-input=false', '-no-color', '-lock-timeout=1m', 'docker_container.xuc', '4f2a9c']);
    expect(callsOf('x-cc', 'plan')).toHaveLength(2);
    // The apply that completed cleared the journal.
    expect(fs.existsSync(path.join(outdir, 'stacks', 'x-cc', '.terraform', 'xivo-deploy-journal.jsonl'))).toBe(false);
  });

  test('a container of that name no deploy from here made is left alone: the stack fails naming it and how to check it', async () => {
    const { of, calls } = await run({ 'x-cc': { plans: [CHANGE], applies: [conflict] } });
    expect(of('x-cc').result).toBe('failed');
    expect(calls.filter((c) => c.command === 'import')).toEqual([]);
    expect(of('x-cc').errors).toEqual([
      `x-cc: a container named xivocc-xuc already exists on the Docker host of server cc (ssh://deploy@cc.example), and no deploy from this machine made it ` +
        `(${outdir}/stacks/x-cc/.terraform/xivo-deploy-journal.jsonl has no trace of it). If it is a leftover of a deploy interrupted elsewhere ` +
        `(docker inspect -f '{{json .Config.Labels}}' xivocc-xuc shows org.xivo.environment=x, org.xivo.server=cc), remove it (docker rm -f xivocc-xuc) ` +
        "and deploy again; otherwise it is someone else's: stop and remove or rename it (a taken-over installation: runbooks/x/takeover.md)",
    ]);
  });

  test('the journal: the creates of an apply that never finished are ours; those of a finished one are in the state', async () => {
    const { ApplyJournal } = await import('../../deploy/journal');
    const journal = new ApplyJournal(path.join(outdir, 'stacks', 'x-uc'));
    const done = (address: string, id: string) => ({ type: 'apply_complete', hook: { resource: { addr: address }, action: 'create', id_value: id } });
    expect(journal.owns('docker_container.a', 'c1', 'container')).toBe(false);
    journal.starting(['docker_container.a', 'docker_network.n']);
    journal.record(done('docker_container.a', 'c1'));
    journal.finished(false); // exited with an error: the state has what it made
    expect(journal.owns('docker_container.a', 'c1', 'container')).toBe(false);
    journal.starting(['docker_container.b']); // then killed ...
    journal.record(done('docker_container.b', 'c2'));
    journal.starting(['docker_container.c']); // ... and the next one too
    expect([
      journal.owns('docker_container.b', 'c9', 'container'),
      journal.owns('docker_container.c', 'c3', 'container'),
      journal.owns('docker_container.a', 'c1', 'container'),
    ]).toEqual([true, true, false]);
    journal.finished(true);
    expect(fs.existsSync(journal.path)).toBe(false);
  });

  test('plan only: nothing is applied, and the changes are listed', async () => {
    const { result, calls, log } = await run(
      { 'x-uc': { plans: [{ ...CHANGE, planned: { 'docker_container.xuc': 'replace' } }] } },
      { planOnly: true },
    );
    expect(result.stacks.find((s) => s.name === 'x-uc')!.result).toBe('planned');
    expect(calls.filter((c) => c.command === 'apply')).toEqual([]);
    expect(log).toContain('x-uc:   docker_container.xuc: replace');
  });

  test('a declined plan is not applied and its dependents are skipped', async () => {
    const { of } = await run({ 'x-cc': { plans: [CHANGE] }, 'x-edge': { plans: [CHANGE] } }, { approve: async (stack) => stack.name !== 'x-cc' });
    expect([of('x-cc').result, of('x-edge').result]).toEqual(['declined', 'skipped']);
  });
});

test('failures read the Docker error and the leftovers from diagnostics', () => {
  expect(
    leftoversOf([
      {
        severity: 'error',
        summary: 'Unable to create network: Error response from daemon: network with name x-cc already exists',
        detail: '',
        address: 'docker_network.network',
      },
    ]),
  ).toEqual([{ address: 'docker_network.network', id: 'x-cc', kind: 'network', name: 'x-cc' }]);
  const stack = readStacks(outdir).find((s) => s.name === 'x-pbx')!;
  expect(
    explain(
      stack,
      'plan',
      [{ severity: 'error', summary: 'Error pinging Docker server: ssh: connect to host pbx.example port 22: Connection timed out', detail: '' }],
      '',
      outdir,
    )[0],
  ).toBe('x-pbx: plan failed: the Docker host of server pbx (ssh://deploy@pbx.example via jump@bastion) did not answer.');
});

test('a leftover gone by the time it is imported is simply created again', async () => {
  fs.writeFileSync(path.join(dir, 'scenario.json'), '{}');
  const conflict = {
    code: 1,
    diagnostics: [
      {
        summary:
          'Unable to create container: Conflict. The container name "/xivo-env-etc-docker-xivo-custom.env" is already in use by container "9c1e".',
        address: 'docker_container.job',
      },
    ],
  };
  const scenario = {
    'x-pbx': { plans: [CHANGE, CHANGE], applies: [conflict, {}], imports: [{ code: 1, text: 'Error: Cannot import non-existent remote object' }] },
  };
  fs.mkdirSync(path.join(outdir, 'stacks', 'x-pbx', '.terraform'), { recursive: true });
  fs.writeFileSync(
    path.join(outdir, 'stacks', 'x-pbx', '.terraform', 'xivo-deploy-journal.jsonl'),
    `${JSON.stringify({ event: 'apply', creates: ['docker_container.job'] })}\n`,
  );
  fs.writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(scenario));
  const log: string[] = [];
  const env = { ...process.env, FAKE_TF_SCENARIO: path.join(dir, 'scenario.json'), FAKE_TF_LOG: path.join(dir, 'calls.jsonl') };
  const result = await deploy({ outdir, stacks: readStacks(outdir), env, log: (l) => log.push(l) });
  expect(result.stacks.find((s) => s.name === 'x-pbx')).toMatchObject({ result: 'applied', recovered: [] });
  expect(log).toContain(
    'x-pbx: container xivo-env-etc-docker-xivo-custom.env was created by an interrupted deploy but is not in the state: importing it, the apply replaces it',
  );
});

describe("a pipeline's saved plans: --save-plans in the plan job, --apply-plans with its gate in the apply job", () => {
  const STALE = { code: 1, diagnostics: [{ summary: 'Saved plan is stale', detail: 'the state was changed by another operation' }] };
  const NONE = { changes: { add: 0, change: 0, remove: 0 } };
  const plans = () => path.join(dir, 'plans');
  const only = (name: string) => readStacks(outdir).filter((s) => s.name === name);

  test('a plan job keeps the plan of a stack with changes, and writes the impact of every stack', async () => {
    const restart = { ...CHANGE, planned: { 'docker_container.x': 'replace', 'docker_image.x': 'create' } };
    const { of } = await run({ 'x-pbx': { plans: [restart] }, 'x-cc': { plans: [NONE] } }, { planOnly: true, savePlans: plans() });
    expect([of('x-pbx').result, of('x-cc').result]).toEqual(['planned', 'unchanged']);
    expect(fs.readdirSync(plans()).sort()).toEqual(
      [
        'x-cc.impact.json',
        'x-cc.impact.md',
        'x-edge.impact.json',
        'x-edge.impact.md',
        'x-pbx.impact.json',
        'x-pbx.impact.md',
        'x-pbx.tfplan',
        'x-uc.impact.json',
        'x-uc.impact.md',
      ].sort(),
    );
    expect(JSON.parse(fs.readFileSync(path.join(plans(), 'x-pbx.impact.json'), 'utf8'))).toMatchObject({
      exitCode: 2,
      restarts: ['docker_container.x: replace'],
    });
    expect(fs.readFileSync(path.join(plans(), 'x-cc.impact.md'), 'utf8')).toBe('# x-cc: no changes (exit 0)\n');
  });

  test('an apply job applies the saved plan without planning, and a stack without one runs no Terraform', async () => {
    fs.mkdirSync(plans());
    fs.writeFileSync(path.join(plans(), 'x-pbx.tfplan'), 'plan');
    const { of, callsOf, calls, log } = await run(
      { 'x-pbx': { saved: { 'docker_container.x': ['update'] } } },
      { stacks: [...only('x-pbx'), ...only('x-cc')], applyPlans: plans(), maxImpact: 0 },
    );
    expect([of('x-pbx').result, of('x-cc').result]).toEqual(['applied', 'unchanged']);
    expect(callsOf('x-pbx', 'plan')).toEqual([]);
    expect(callsOf('x-pbx', 'apply').map((c) => c.args[c.args.length - 1])).toEqual([path.join('.terraform', 'xivo-deploy.tfplan')]);
    expect(calls.filter((c) => c.stack === 'x-cc')).toEqual([]);
    expect(log).toContain('x-cc: no saved plan in ' + plans() + ': nothing was planned to change');
  });

  test('a saved plan that restarts more than the gate allows is refused before Terraform applies it', async () => {
    fs.mkdirSync(plans());
    fs.writeFileSync(path.join(plans(), 'x-pbx.tfplan'), 'plan');
    const scenario = { 'x-pbx': { saved: { 'docker_container.x': ['delete', 'create'], 'docker_volume.data': ['delete'] } } };
    const restart = await run(scenario, { stacks: only('x-pbx'), applyPlans: plans(), maxImpact: 2 });
    expect(restart.of('x-pbx').result).toBe('failed');
    expect(restart.log).toContain(
      "x-pbx: refused: the saved plan deletes data volumes (docker_volume.data: delete) (impact 3), more than this job's gate allows (2): run the gated job of this stack",
    );
    expect(restart.callsOf('x-pbx', 'apply')).toEqual([]);
    const allowed = await run(scenario, { stacks: only('x-pbx'), applyPlans: plans(), maxImpact: 3 });
    expect(allowed.of('x-pbx').result).toBe('applied');
  });

  test('a saved plan made stale by another run: planned again, done if nothing is left, refused if unreviewed changes are', async () => {
    fs.mkdirSync(plans());
    fs.writeFileSync(path.join(plans(), 'x-pbx.tfplan'), 'plan');
    const saved = { 'docker_container.x': ['update'] };
    const done = await run({ 'x-pbx': { saved, applies: [STALE], plans: [NONE] } }, { stacks: only('x-pbx'), applyPlans: plans() });
    expect(done.of('x-pbx')).toMatchObject({ result: 'unchanged', stalePlans: 1 });
    expect(done.log).toContain("x-pbx: another run applied the saved plan's changes already");
    fs.rmSync(path.join(outdir, 'stacks', 'x-pbx', '.fake-apply-count'), { force: true });
    fs.rmSync(path.join(outdir, 'stacks', 'x-pbx', '.fake-plan-count'), { force: true });
    const changed = await run({ 'x-pbx': { saved, applies: [STALE, {}], plans: [CHANGE] } }, { stacks: only('x-pbx'), applyPlans: plans() });
    expect(changed.of('x-pbx').result).toBe('failed');
    expect(changed.log).toContain(
      'x-pbx: another run changed the state since the saved plan, and planning again finds changes that nobody reviewed: run the pipeline again (a new plan)',
    );
    expect(changed.callsOf('x-pbx', 'apply')).toHaveLength(2);
  });
});
