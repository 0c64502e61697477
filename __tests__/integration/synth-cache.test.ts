/**
 * The per-environment synth cache (synth/synth-cache.ts): a cached synth equals a full synth
 * byte for byte; an environment is rebuilt when its file, a file it names or the set of
 * environment files changes, and only then; --force rebuilds everything; bad input still fails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../../main';
import { cachedSynth } from '../../synth/synth-cache';
import { ConfigError } from '../../config/errors';
import { baseline } from '../support/environments';
import { readTree } from '../support/synth';
import { stringify } from 'yaml';

let work: string;
let envDir: string;
let outdir: string;
let cacheDir: string;
const savedFiles = process.env.XIVO_ENV_FILES;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-cache-'));
  envDir = path.join(work, 'environments');
  outdir = path.join(work, 'cdktf.out');
  cacheDir = path.join(work, 'cache');
  fs.mkdirSync(envDir);
  // prod with a setting warned about at its line (the file's own warnings travel through the cache too).
  const prod = fs.readFileSync(path.join(__dirname, '..', '..', 'environments', 'prod.yaml'), 'utf8');
  fs.writeFileSync(
    path.join(envDir, 'prod.yaml'),
    prod.replace('edge:\n  publicName: rpx-cc.example.com\n', 'edge:\n  publicName: rpx-cc.example.com\n  rateLimits: false\n'),
  );
  // A small environment whose Docker host uses client TLS files: files synth checks.
  const tls = baseline();
  tls.name = 'tls';
  tls.servers[0].docker = { host: 'tcp://10.0.0.10:2376', tls: { caFile: 'docker/ca.pem', certFile: 'docker/cert.pem', keyFile: 'docker/key.pem' } };
  fs.mkdirSync(path.join(envDir, 'docker'));
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(envDir, 'docker', f), `${f}\n`);
  fs.writeFileSync(path.join(envDir, 'tls.yaml'), stringify(tls));
  process.env.XIVO_ENV_FILES = path.join(envDir, '*.yaml');
});
afterEach(() => {
  if (savedFiles === undefined) delete process.env.XIVO_ENV_FILES;
  else process.env.XIVO_ENV_FILES = savedFiles;
});

const cached = (force = false) => {
  const warnings: string[] = [];
  const notes: string[] = [];
  const result = cachedSynth({ outdir, cacheDir, force, onWarning: (w) => warnings.push(w), onNote: (n) => notes.push(n) });
  return { ...result, warnings, notes, tree: readTree(outdir) };
};
const full = () => {
  const warnings: string[] = [];
  const notes: string[] = [];
  synthesize(outdir, { onWarning: (w) => warnings.push(w), onNote: (n) => notes.push(n) });
  return { warnings, notes, tree: readTree(outdir) };
};
const names = (files: string[]) => files.map((f) => path.basename(f)).sort();

test('a synth from the cache equals a full synth byte for byte, warnings included', () => {
  const reference = full();
  const first = cached();
  expect(names(first.rebuilt)).toEqual(['prod.yaml', 'tls.yaml']);
  expect(first.tree).toEqual(reference.tree);

  const second = cached();
  expect(second.rebuilt).toEqual([]);
  expect(names(second.reused)).toEqual(['prod.yaml', 'tls.yaml']);
  expect(second.tree).toEqual(reference.tree);
  expect(second.warnings).toEqual(reference.warnings);
  expect(reference.warnings).toEqual([expect.stringMatching(/prod\.yaml:\d+:3: edge\.rateLimits: is false: /)]);
  expect(second.notes).toEqual(reference.notes);
  expect(reference.notes.map((n) => n.split('/')[0])).toEqual(['prod-cc-core', 'tls-cc']);
  expect(second.environments).toEqual(['prod', 'tls']);
  expect(second.stacks).toEqual([
    'prod-pbx',
    'prod-mds1',
    'prod-mds2',
    'prod-cc-core',
    'prod-cc-core-key',
    'prod-cc-reporting',
    'prod-uc',
    'prod-uc-key',
    'prod-edge',
    'prod-edge-key',
    'tls-pbx',
    'tls-cc',
    'tls-cc-key',
  ]);
});

test('only the changed environment is rebuilt, and the result is a full synth of the new inputs', () => {
  cached();
  const text = fs.readFileSync(path.join(envDir, 'prod.yaml'), 'utf8').replace('memoryMb: 4096', 'memoryMb: 6144');
  fs.writeFileSync(path.join(envDir, 'prod.yaml'), text);
  const after = cached();
  expect(names(after.rebuilt)).toEqual(['prod.yaml']);
  expect(names(after.reused)).toEqual(['tls.yaml']);
  expect(after.tree.get('stacks/prod-cc-core/cdk.tf.json')).toContain('"memory": 6144');
  expect(after.tree).toEqual(full().tree);
});

test('a file the environment names is an input: changing a Docker TLS file rebuilds that environment', () => {
  cached();
  fs.writeFileSync(path.join(envDir, 'docker', 'ca.pem'), 'another CA\n');
  expect(names(cached().rebuilt)).toEqual(['tls.yaml']);
});

test('a named file is an input whatever the shape of its name (no "/" nor "." in it)', () => {
  const file = path.join(envDir, 'tls.yaml');
  const original = fs.readFileSync(file, 'utf8');
  fs.copyFileSync(path.join(envDir, 'docker', 'key.pem'), path.join(envDir, 'clientkey'));
  fs.writeFileSync(file, original.replace('keyFile: docker/key.pem', 'keyFile: clientkey'));
  try {
    cached();
    fs.appendFileSync(path.join(envDir, 'clientkey'), '\n');
    expect(names(cached().rebuilt)).toEqual(['tls.yaml']);
  } finally {
    fs.writeFileSync(file, original);
    fs.rmSync(path.join(envDir, 'clientkey'));
  }
});

test('a new environment file is validated with the others and built; --force rebuilds everything', () => {
  cached();
  const copy = fs.readFileSync(path.join(envDir, 'tls.yaml'), 'utf8').replace('name: tls', 'name: tls2');
  fs.writeFileSync(path.join(envDir, 'tls2.yaml'), copy);
  const after = cached();
  expect(names(after.rebuilt)).toEqual(['tls2.yaml']);
  expect(names(after.reused)).toEqual(['prod.yaml', 'tls.yaml']);

  fs.writeFileSync(path.join(envDir, 'tls3.yaml'), copy); // same name as tls2.yaml
  const before = readTree(outdir);
  expect(() => cached()).toThrow(ConfigError);
  expect(readTree(outdir)).toEqual(before);
  fs.rmSync(path.join(envDir, 'tls3.yaml'));

  expect(names(cached(true).rebuilt)).toEqual(['prod.yaml', 'tls.yaml', 'tls2.yaml']);
});

test('an intact output is left as is; an output changed by hand is rewritten from the cache', () => {
  const first = cached().tree;
  const stack = path.join(outdir, 'stacks', 'prod-pbx', 'cdk.tf.json');
  const written = fs.statSync(stack).mtimeMs;
  expect(cached().tree).toEqual(first);
  expect(fs.statSync(stack).mtimeMs).toBe(written);

  fs.writeFileSync(stack, '{}');
  fs.mkdirSync(path.join(outdir, 'stacks', 'prod-pbx', '.terraform'));
  expect(cached().tree).toEqual(first);
});

test('entries of an output directory that is gone are pruned', () => {
  const other = path.join(work, 'other.out');
  cachedSynth({ outdir: other, cacheDir });
  fs.writeFileSync(path.join(envDir, 'tls.yaml'), fs.readFileSync(path.join(envDir, 'tls.yaml'), 'utf8').replace('release:', '# changed\nrelease:'));
  cachedSynth({ outdir, cacheDir });
  const entries = () => fs.readdirSync(path.join(cacheDir, 'entries')).length;
  const indexes = () => fs.readdirSync(cacheDir).filter((n) => n.startsWith('index-')).length;
  expect(indexes()).toBe(2);
  expect(entries()).toBe(4); // prod and tls per output directory (plan-time paths are relative to it)

  fs.rmSync(other, { recursive: true });
  fs.writeFileSync(path.join(envDir, 'tls.yaml'), fs.readFileSync(path.join(envDir, 'tls.yaml'), 'utf8').replace('# changed\n', '# changed again\n'));
  cachedSynth({ outdir, cacheDir });
  expect(indexes()).toBe(1);
  expect(entries()).toBe(2);
});

test("Terraform's working files are not synth's output: they cost no rewrite, and survive a rebuild", () => {
  cached();
  const stackDir = path.join(outdir, 'stacks', 'prod-pbx');
  const written = fs.statSync(path.join(stackDir, 'cdk.tf.json')).mtimeMs;
  // What `terraform init` (and cdktf's plan, and a saved plan) leave in a stack directory.
  fs.mkdirSync(path.join(stackDir, '.terraform', 'providers'), { recursive: true });
  fs.writeFileSync(path.join(stackDir, '.terraform', 'terraform.tfstate'), '{"backend":{}}\n');
  fs.writeFileSync(path.join(stackDir, 'plan'), 'cdktf plan');
  fs.writeFileSync(path.join(stackDir, 'deploy.tfplan'), 'saved plan');
  const again = cached();
  expect(again.rebuilt).toEqual([]);
  expect(fs.statSync(path.join(stackDir, 'cdk.tf.json')).mtimeMs).toBe(written);

  // A change rebuilds the output; the stacks' initialised working directories move into the new one.
  fs.writeFileSync(
    path.join(envDir, 'prod.yaml'),
    fs.readFileSync(path.join(envDir, 'prod.yaml'), 'utf8').replace('memoryMb: 4096', 'memoryMb: 6144'),
  );
  expect(names(cached().rebuilt)).toEqual(['prod.yaml']);
  expect(fs.readFileSync(path.join(stackDir, '.terraform', 'terraform.tfstate'), 'utf8')).toBe('{"backend":{}}\n');
  expect(fs.existsSync(path.join(stackDir, 'plan'))).toBe(false);
});
