#!/usr/bin/env node
/**
 * A stand-in for the terraform binary, for the unit tests of deploy/ (which must run without
 * Terraform): it answers init, plan, apply, import and state commands in the machine-readable
 * form deploy reads, from a scenario, and records every call.
 *
 * FAKE_TF_SCENARIO: JSON file { "<stack dir name>": { inits: [Step...], plans: [Step...], applies: [Step...], imports: [Step...], state: {...} } }
 *   An init step with a non-zero `code` prints `stderr` and fails, creating nothing.
 *   Step: { code, changes: {add, change, remove}, outputs: {name: action}, diagnostics: [{summary, detail, address}], sleepMs, meetPeers }
 *   `meetPeers: N`: the call waits (at most 10 s) until N calls of the same command and step number
 *   have started, in any stack: concurrency proven by a rendezvous, not by timing a sleep.
 *   The n-th plan of a stack answers plans[n] (the last one again once the list is used up).
 *   With `-lock-timeout=0s`, an apply step with `lockedFor0s: true` answers a lock error instead.
 *   `show -json <plan>` answers `{ resource_changes }` from the stack's `saved` ({ address: [actions] }).
 * FAKE_TF_LOG: JSONL file, one line per call: { stack, command, args, start, end }.
 */
const fs = require('fs');
const path = require('path');

const scenario = JSON.parse(fs.readFileSync(process.env.FAKE_TF_SCENARIO, 'utf8'));
const stack = path.basename(process.cwd());
const args = process.argv.slice(2);
const command = args[0] === 'state' ? `state ${args[1]}` : args[0];
const start = Date.now();
const own = scenario[stack] || {};
const counterFile = path.join(process.cwd(), `.fake-${command.replace(' ', '-')}-count`);
const n = fs.existsSync(counterFile) ? Number(fs.readFileSync(counterFile, 'utf8')) : 0;
fs.writeFileSync(counterFile, String(n + 1));

const emit = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const diagnostics = (step) =>
  (step.diagnostics || []).forEach((d) => emit({ type: 'diagnostic', diagnostic: { severity: 'error', detail: '', ...d } }));
const pick = (list) => (list && list.length ? list[Math.min(n, list.length - 1)] : { code: 0 });
const finish = (code) => {
  fs.appendFileSync(process.env.FAKE_TF_LOG, `${JSON.stringify({ stack, command, args, start, end: Date.now() })}\n`);
  process.exit(code);
};
const later = (step, fn) => {
  if (!step.meetPeers) return setTimeout(fn, step.sleepMs || 0);
  const peers = `${process.env.FAKE_TF_LOG}.peers-${command.replace(' ', '-')}-${n}`;
  fs.mkdirSync(peers, { recursive: true });
  fs.writeFileSync(path.join(peers, `${stack}-${process.pid}`), '');
  const deadline = Date.now() + 10000;
  const poll = () => {
    if (fs.readdirSync(peers).length >= step.meetPeers || Date.now() > deadline) setTimeout(fn, step.sleepMs || 0);
    else setTimeout(poll, 20);
  };
  poll();
};

switch (command) {
  case 'init': {
    const step = pick(own.inits);
    if (step.code) {
      process.stderr.write(step.stderr || 'Error: init failed\n');
      finish(step.code);
      break;
    }
    fs.mkdirSync('.terraform', { recursive: true });
    fs.writeFileSync(path.join('.terraform', 'terraform.tfstate'), '{}');
    finish(0);
    break;
  }
  case 'plan': {
    const step = pick(own.plans);
    later(step, () => {
      const out = args.find((a) => a.startsWith('-out='));
      if (out) fs.writeFileSync(out.slice(5), 'plan');
      const c = step.changes || { add: 0, change: 0, remove: 0 };
      for (const [addr, action] of Object.entries(step.planned || {})) emit({ type: 'planned_change', change: { resource: { addr }, action } });
      if (step.code !== 1) emit({ type: 'change_summary', changes: { ...c, import: 0, operation: 'plan' } });
      if (step.outputs) emit({ type: 'outputs', outputs: Object.fromEntries(Object.entries(step.outputs).map(([k, action]) => [k, { action }])) });
      diagnostics(step);
      finish(step.code === undefined ? (c.add + c.change + c.remove ? 2 : 0) : step.code);
    });
    break;
  }
  case 'apply': {
    const step = pick(own.applies);
    later(step, () => {
      if (step.lockedFor0s && args.includes('-lock-timeout=0s')) {
        diagnostics({ diagnostics: [{ summary: 'Error acquiring the state lock', detail: 'Error message: Workspace is already locked: default' }] });
        return finish(1);
      }
      emit({ type: 'apply_complete', hook: { resource: { addr: 'docker_container.x' }, action: 'create', elapsed_seconds: 0 } });
      if (!step.code) emit({ type: 'change_summary', changes: { add: 1, change: 0, remove: 1, operation: 'apply' } });
      diagnostics(step);
      finish(step.code || 0);
    });
    break;
  }
  case 'import': {
    const step = pick(own.imports);
    if (step.text) process.stderr.write(step.text);
    finish(step.code || 0);
    break;
  }
  case 'show':
    process.stdout.write(
      `${JSON.stringify({
        resource_changes: Object.entries(own.saved || {}).map(([address, actions]) => ({ address, change: { actions } })),
      })}\n`,
    );
    finish(0);
    break;
  case 'state pull':
    process.stdout.write(JSON.stringify(own.state || {}));
    finish(0);
    break;
  default:
    finish(0);
}
