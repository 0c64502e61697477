/**
 * Synth on a generated estate, for `npm run bench`: N copies of the bundled prod (7 stacks each;
 * 58 copies = 406 stacks), synthesized full (--force), with one environment changed, and with
 * nothing changed; and the bundled environments' full synth. With `--baseline <git ref>`, the same
 * synths by that ref's code (its `node dist/main.js`, built in a temporary worktree) side by side.
 */
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** Writes `copies` environment files derived from prod.yaml into a new directory. */
function generateEstate(copies) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-estate-'));
  const prod = fs.readFileSync(path.join(root, 'environments', 'prod.yaml'), 'utf8');
  for (let i = 1; i <= copies; i++) {
    const name = `c${String(i).padStart(3, '0')}`;
    fs.writeFileSync(
      path.join(dir, `${name}.yaml`),
      prod.replace(/^name: prod$/m, `name: ${name}`).replace(/keyPrefix: xivo\//, `keyPrefix: xivo/${name}/`),
    );
  }
  return dir;
}

/** A worktree of `ref` with node_modules linked and dist built; removed by the returned function. */
function baselineWorktree(ref) {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-bench-base-')), 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', '--quiet', dir, ref], { cwd: root });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: dir });
  return { dir, remove: () => execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root }) };
}

/**
 * Median wall and CPU (user + sys of the command's processes, from GNU time) seconds of runs.
 * CPU time is printed too because our build machines are shared: wall time varies with load.
 */
function timeWithCpu(label, command, { before, n = 3 } = {}) {
  const walls = [];
  const cpus = [];
  const cpuFile = path.join(os.tmpdir(), `xivo-bench-cpu-${process.pid}`);
  for (let i = 0; i < n; i++) {
    if (before) before();
    const start = process.hrtime.bigint();
    const result = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, 'sh', '-c', command], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    walls.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (result.status !== 0) {
      console.error(`${label} failed:\n${result.stdout}\n${result.stderr}`);
      process.exit(1);
    }
    const [user, sys] = fs.readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpus.push(user + sys);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const figure = { wall: median(walls), cpu: median(cpus) };
  console.log(`${label.padEnd(72)} wall ${figure.wall.toFixed(2)} s  cpu ${figure.cpu.toFixed(2)} s  (n=${n})`);
  return figure;
}

function estateBench({ copies = 58, runs = 3, baseline } = {}) {
  const time = timeWithCpu;
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: root });
  const estate = generateEstate(copies);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-estate-out-'));
  const envs = (files) => `XIVO_ENV_FILES='${files}' CDKTF_OUTDIR='${out}/cdktf.out'`;
  const all = `${estate}/*.yaml`;
  const stacks = copies * (fs.readFileSync(path.join(root, 'environments', 'prod.yaml'), 'utf8').match(/^ {2}- name: /gm) || []).length;
  const base = baseline ? baselineWorktree(baseline) : undefined;
  const figures = {};
  try {
    console.log(`\nsynth of a generated estate: ${copies} environments, ${stacks} stacks (node dist/..., build excluded)`);
    if (base)
      figures.baseFull = time(`  ${baseline}: full synth (its node dist/main.js)`, `cd '${base.dir}' && ${envs(all)} node dist/main.js`, { n: runs });
    figures.full = time('  now: full synth (node dist/synth/cli.js --force)', `${envs(all)} node dist/synth/cli.js --force`, { n: runs });
    let flip = 0;
    const changeOne = () => {
      const file = path.join(estate, 'c001.yaml');
      const text = fs
        .readFileSync(file, 'utf8')
        .replace(/memoryMb: \d+\n {2}cc\.elasticsearch/, `memoryMb: ${4096 + (++flip % 2) * 1024}\n  cc.elasticsearch`);
      fs.writeFileSync(file, text);
    };
    figures.changed = time('  now: one environment changed (node dist/synth/cli.js)', `${envs(all)} node dist/synth/cli.js`, {
      n: runs,
      before: changeOne,
    });
    figures.nothing = time('  now: nothing changed (node dist/synth/cli.js)', `${envs(all)} node dist/synth/cli.js`, { n: runs });
    const ratio = (a, b) => `${(a.wall / b.wall).toFixed(1)}x wall, ${(a.cpu / b.cpu).toFixed(1)}x cpu`;
    console.log(`  -> one changed environment: ${ratio(figures.full, figures.changed)} faster than a full synth (goal >= 4x)`);
    console.log(`  -> nothing changed: ${ratio(figures.full, figures.nothing)} faster than a full synth (goal >= 10x)`);
    if (base) console.log(`  -> full synth now vs ${baseline}: ${ratio(figures.baseFull, figures.full)}`);

    console.log('\nbundled environments, full synth (build excluded)');
    const bundled = `CDKTF_OUTDIR='${out}/bundled'`;
    if (base) figures.bundledBase = time(`  ${baseline}: node dist/main.js`, `cd '${base.dir}' && ${bundled} node dist/main.js`, { n: runs * 2 });
    figures.bundledTraces = time(
      '  now, cdktf stack traces kept (XIVO_TOKEN_STACK_TRACES=1 node dist/main.js)',
      `XIVO_TOKEN_STACK_TRACES=1 ${bundled} node dist/main.js`,
      { n: runs * 2 },
    );
    figures.bundled = time('  now: node dist/synth/cli.js --force', `${bundled} node dist/synth/cli.js --force`, { n: runs * 2 });
    figures.bundledCached = time('  now: nothing changed (node dist/synth/cli.js)', `${bundled} node dist/synth/cli.js`, { n: runs * 2 });
    if (base) console.log(`  -> full synth now vs ${baseline}: ${ratio(figures.bundledBase, figures.bundled)} faster (goal >= 1.2x)`);
    console.log(`  -> stub vs stack traces (same code): ${ratio(figures.bundledTraces, figures.bundled)}`);
  } finally {
    base?.remove();
    fs.rmSync(estate, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
  return figures;
}

module.exports = { estateBench, generateEstate };
