#!/usr/bin/env node
/**
 * npm run bench: times the README synth of the bundled environments, the stock
 * `cdktf synth --app "npx ts-node main.ts"` on the same code, and the test suites.
 * Prints medians of several runs. Usage: npm run bench [-- --runs 5 --no-stock --no-tests]
 * Then synth on a generated 400-stack estate (full, one environment changed, nothing changed) and
 * the bundled environments' full synth: [-- --no-estate --copies 58 --baseline <git ref>]
 * (--baseline also times that ref's own synth, side by side).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const root = path.resolve(__dirname, '..');
const env = { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' };

function time(label, command, { before, n = runs } = {}) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    if (before) before();
    const start = process.hrtime.bigint();
    const result = spawnSync('sh', ['-c', command], { cwd: root, env, encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
      console.error(`${label} failed:\n${result.stdout}\n${result.stderr}`);
      process.exit(1);
    }
    samples.push(seconds);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(
    `${label.padEnd(58)} median ${median.toFixed(2)} s  (min ${samples[0].toFixed(2)}, max ${samples[samples.length - 1].toFixed(2)}, n=${samples.length})`,
  );
  return median;
}

const stackCount = () => fs.readdirSync(path.join(root, 'cdktf.out', 'stacks')).length;
console.log(`node ${process.version}, ${os.cpus().length} cores\n`);

const warm = time('README synth, warm (npm run synth; unchanged environments from the cache)', 'npm run --silent synth');
console.log(`  -> ${stackCount()} stacks in cdktf.out/stacks`);
time('README synth, cold (dist/ and .synth-cache/ removed first)', 'npm run --silent synth', {
  before: () => ['dist', '.synth-cache'].forEach((d) => fs.rmSync(path.join(root, d), { recursive: true, force: true })),
});
time('app alone, full synth without cache (node dist/main.js)', 'node dist/main.js');
if (!args.includes('--no-stock')) {
  const out = path.join(os.tmpdir(), 'xivo-bench-stock');
  const stock = time('stock: cdktf synth --app "npx ts-node main.ts"', `npx cdktf synth --app "npx ts-node main.ts" --output ${out}`, {
    n: Math.min(runs, 3),
  });
  time('cdktf CLI with our app: cdktf synth', `npx cdktf synth --output ${out}`, { n: Math.min(runs, 3) });
  console.log(`  -> README synth is ${(stock / warm).toFixed(1)}x faster than the stock ts-node synth`);
}
if (!args.includes('--no-tests')) {
  time('unit + snapshot suite (jest --selectProjects unit)', 'npx jest --selectProjects unit --silent', { n: Math.min(runs, 5) });
  time('integration suite (jest --selectProjects integration)', 'npx jest --selectProjects integration --silent', { n: 1 });
  time('conformance suite (jest --selectProjects conformance)', 'npx jest --selectProjects conformance --silent', { n: 1 });
  time('type check (tsc --noEmit)', 'npx tsc --noEmit -p .', { n: Math.min(runs, 3) });
}
if (!args.includes('--no-estate')) {
  const { estateBench } = require('./bench-estate');
  const value = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  estateBench({ copies: Number(value('--copies')) || 58, runs: Math.min(runs, 3), baseline: value('--baseline') });
}
