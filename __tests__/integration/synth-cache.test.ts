/**
 * The per-environment synth cache (synth/synth-cache.ts): a cached synth equals a full synth
 * byte for byte; an environment is rebuilt when its file, a file it names or the set of
 * environment files changes, and only then; --force rebuilds everything; bad input still fails.
 * It serves only what the files say: a cache made elsewhere (another machine's key) or tracked
 * by git, a change of XIVO_SECRETS_DIRS, a named file that a symbolic link moved out of its
 * directory and a rotated file whose path holds spaces are never served from the cache.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../../main';
import { cachedSynth, TRACKED_CACHE_MESSAGE } from '../../synth/synth-cache';
import { ConfigError } from '../../config/errors';
import { OUTSIDE_MESSAGE, SECRETS_DIRS_VARIABLE } from '../../config/containment';
import { baseline } from '../support/environments';
import { readTree } from '../support/synth';
import { stringify } from 'yaml';

let work: string;
let envDir: string;
let outdir: string;
let cacheDir: string;
let keyFile: string;
const savedFiles = process.env.XIVO_ENV_FILES;
const savedSecretsDirs = process.env[SECRETS_DIRS_VARIABLE];

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-cache-'));
  envDir = path.join(work, 'environments');
  outdir = path.join(work, 'cdktf.out');
  cacheDir = path.join(work, 'cache');
  keyFile = path.join(work, 'home', '.cache', 'xivo-cdktf', 'synth-cache.key');
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
  if (savedSecretsDirs === undefined) delete process.env[SECRETS_DIRS_VARIABLE];
  else process.env[SECRETS_DIRS_VARIABLE] = savedSecretsDirs;
});

const cached = (force = false, key = keyFile) => {
  const warnings: string[] = [];
  const notes: string[] = [];
  const result = cachedSynth({ outdir, cacheDir, force, keyFile: key, onWarning: (w) => warnings.push(w), onNote: (n) => notes.push(n) });
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
  cachedSynth({ outdir: other, cacheDir, keyFile });
  fs.writeFileSync(path.join(envDir, 'tls.yaml'), fs.readFileSync(path.join(envDir, 'tls.yaml'), 'utf8').replace('release:', '# changed\nrelease:'));
  cachedSynth({ outdir, cacheDir, keyFile });
  const entries = () => fs.readdirSync(path.join(cacheDir, 'entries')).length;
  const indexes = () => fs.readdirSync(cacheDir).filter((n) => n.startsWith('index-')).length;
  expect(indexes()).toBe(2);
  expect(entries()).toBe(4); // prod and tls per output directory (plan-time paths are relative to it)

  fs.rmSync(other, { recursive: true });
  fs.writeFileSync(path.join(envDir, 'tls.yaml'), fs.readFileSync(path.join(envDir, 'tls.yaml'), 'utf8').replace('# changed\n', '# changed again\n'));
  cachedSynth({ outdir, cacheDir, keyFile });
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

test('a forced synth (every deploy) of unchanged files rebuilds from them but leaves an identical output in place', () => {
  cached();
  const stack = path.join(outdir, 'stacks', 'prod-pbx', 'cdk.tf.json');
  const written = fs.statSync(stack).mtimeMs;
  fs.mkdirSync(path.join(outdir, 'stacks', 'prod-pbx', '.terraform'));
  const forced = cached(true);
  expect(names(forced.rebuilt)).toEqual(['prod.yaml', 'tls.yaml']);
  expect(fs.statSync(stack).mtimeMs).toBe(written);
  expect(forced.tree).toEqual(full().tree);
});

describe('the cache serves only what the files say', () => {
  /** Every file of every entry, with the xuc image and an env variable planted, as an attacker's commit would hold them. */
  const plant = () => {
    let planted = 0;
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name === 'cdk.tf.json') {
          const text = fs.readFileSync(file, 'utf8');
          const changed = text.replace(/xivoxc\/xuc:[^"]*/g, 'attacker/xuc:latest').replace(/"env": \[/g, '"env": [\n"PLANTED=1",');
          if (changed !== text) planted++;
          fs.writeFileSync(file, changed);
        }
      }
    };
    walk(path.join(cacheDir, 'entries'));
    return planted;
  };

  test("a cache made elsewhere (a planted .synth-cache/ in a fresh clone) is never served: its keys are not this machine's", () => {
    cached(false, path.join(work, 'attacker', 'synth-cache.key'));
    expect(plant()).toBeGreaterThan(0);
    fs.rmSync(outdir, { recursive: true });
    const served = cached();
    expect(names(served.rebuilt)).toEqual(['prod.yaml', 'tls.yaml']);
    expect([...served.tree.values()].join('\n')).not.toMatch(/attacker\/xuc|PLANTED/);
    expect(served.tree).toEqual(full().tree);
  });

  test("the machine's key is random, 0600 in a 0700 directory outside the repository", () => {
    cached();
    expect(fs.readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
  });

  test('a cache directory that git tracks is refused', () => {
    const repo = path.join(work, 'clone');
    fs.mkdirSync(path.join(repo, '.synth-cache'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.synth-cache', 'index-0.json'), '{}');
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, 'add', '-f', '.synth-cache']);
    const dir = path.join(repo, '.synth-cache');
    expect(() => cachedSynth({ outdir, cacheDir: dir, keyFile })).toThrow(TRACKED_CACHE_MESSAGE(dir, 1));
    expect(TRACKED_CACHE_MESSAGE(dir, 1)).toBe(
      `${dir}: the synth cache is tracked by git (1 file): a committed cache could serve output that no environment file says. ` +
        'Remove it from the repository (git rm -r --cached .synth-cache) and synth again',
    );
  });

  test('XIVO_SECRETS_DIRS is part of the key: a file accepted with it is refused without it, never served from the cache', () => {
    const secrets = path.join(work, 'secrets');
    fs.mkdirSync(secrets);
    fs.copyFileSync(path.join(envDir, 'docker', 'ca.pem'), path.join(secrets, 'ca.pem'));
    const file = path.join(envDir, 'tls.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('caFile: docker/ca.pem', 'caFile: ../secrets/ca.pem'));
    process.env[SECRETS_DIRS_VARIABLE] = secrets;
    cached();
    delete process.env[SECRETS_DIRS_VARIABLE];
    expect(() => cached()).toThrow(OUTSIDE_MESSAGE('../secrets/ca.pem'));
  });

  test('the fast path re-checks containment: a named file replaced by a link to the same bytes elsewhere is refused', () => {
    cached();
    const outside = path.join(work, 'elsewhere.pem');
    fs.copyFileSync(path.join(envDir, 'docker', 'ca.pem'), outside);
    fs.rmSync(path.join(envDir, 'docker', 'ca.pem'));
    fs.symlinkSync(outside, path.join(envDir, 'docker', 'ca.pem'));
    expect(() => cached()).toThrow(OUTSIDE_MESSAGE('docker/ca.pem'));
  });

  test('a named file whose path holds spaces is an input: a rotated CA is never stale', () => {
    const sso = fs.readFileSync(path.join(__dirname, '..', '..', 'environments', 'sso.yaml'), 'utf8');
    fs.mkdirSync(path.join(envDir, 'ldap certs'));
    const ca = fs.readFileSync(path.join(__dirname, '..', '..', 'environments', 'sso', 'ldap-ca.pem'), 'utf8');
    fs.writeFileSync(path.join(envDir, 'ldap certs', 'directory ca.pem'), ca);
    fs.writeFileSync(path.join(envDir, 'sso.yaml'), sso.replace('caFile: sso/ldap-ca.pem', 'caFile: "ldap certs/directory ca.pem"'));
    const before = cached().tree;
    // The directory's CA rotated: the file now holds the next CA as well (a CA file may hold several).
    fs.appendFileSync(path.join(envDir, 'ldap certs', 'directory ca.pem'), ca);
    const after = cached();
    expect(names(after.rebuilt)).toEqual(['sso.yaml']);
    expect(after.tree).not.toEqual(before);
    expect(after.tree).toEqual(full().tree);
  });

  test('an output whose content changed by hand (size and mtime kept) is rewritten from the cache', () => {
    const first = cached().tree;
    const stack = path.join(outdir, 'stacks', 'prod-pbx', 'cdk.tf.json');
    const { atime, mtime } = fs.statSync(stack);
    const text = fs.readFileSync(stack, 'utf8');
    fs.writeFileSync(stack, text.replace('eu-west-3', 'eu-west-4')); // same size
    fs.utimesSync(stack, atime, mtime);
    expect(fs.readFileSync(stack, 'utf8')).not.toBe(text);
    expect(cached().tree).toEqual(first);
  });
});
