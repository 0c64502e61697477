/**
 * Synth with a per-environment cache: an environment whose inputs did not change gets its
 * previous output back instead of being built again. Integrators keep every customer's
 * environments in one repository; a change to one of them then costs one environment's synth.
 *
 * The cache serves only what the files say. The key of an environment covers every input of its
 * output: the environment file, every file it names (every `filePath` field of the schema,
 * config/named-files.ts: missing ones count as missing), the directories those files may resolve
 * into (the environment's and XIVO_SECRETS_DIRS, after symbolic links), the compiled code,
 * package-lock.json and node_modules' own lock (Graphviz is an npm package), the Node version,
 * the output directory (plan-time paths are relative to it) and a random key of this machine and
 * user (~/.cache/xivo-cdktf/synth-cache.key, 0600 in a 0700 directory): entries made anywhere
 * else, a `.synth-cache/` committed to the repository or left by another job, never match. A
 * cache directory that git tracks is refused outright. The set of environment files is checked
 * too (XIVO_ENV_FILES and the listing of its directories).
 *
 * The fast path (nothing changed) re-checks that every named file still resolves inside its
 * allowed directories and compares content hashes, of the inputs and of the output in place
 * (never sizes or mtimes). A cached synth equals a full synth byte for byte, and is assembled in
 * `<outdir>.partial` and moved into place like a full one, so a failure never leaves a
 * half-written output. `force` rebuilds everything (deploys use it).
 *
 * The fast path loads neither cdktf nor the environment parser.
 */
import { spawnSync } from 'child_process';
import { createHash, createHmac, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Environment } from '../config/model';
import { KEY_STACK_SUFFIX } from '../constructs/platform-rules';
import { DEFAULT_ENV_FILES } from '../config/env-files';
import { checkOutputDirectory, OUTPUT_MARKER, replaceOutputDirectory, stagingDirectory } from '../stacks/output-directory';
import { providerLockPath } from '../stacks/provider-lock';
import { InternalError } from '../constructs/errors';
import { allowedDirectories, containmentProblem } from '../config/containment';
import { SynthCacheError } from './cache-error';

/** Bumped when the layout of cache entries changes. */
const CACHE_FORMAT = 7;

export interface CachedSynthOptions {
  /** Final output directory. @default CDKTF_OUTDIR or cdktf.out */
  readonly outdir?: string;
  /** Cache directory (git-ignored). @default .synth-cache */
  readonly cacheDir?: string;
  /**
   * This machine's random key, created on first use (0600, in a 0700 directory).
   * @default $XDG_CACHE_HOME/xivo-cdktf/synth-cache.key, else ~/.cache/xivo-cdktf/synth-cache.key
   */
  readonly keyFile?: string;
  /** Rebuild every environment, ignoring the cache. @default false */
  readonly force?: boolean;
  /** Receives each warning, as a full synth would give it. @default warnings are dropped */
  readonly onWarning?: (warning: string) => void;
  /** Receives each note, as a full synth would give it. @default notes are dropped */
  readonly onNote?: (note: string) => void;
}

export interface CachedSynthResult {
  /** Stack names in synth order. */
  readonly stacks: string[];
  /** Environment names in synth order. */
  readonly environments: string[];
  /** Environment files served from the cache / rebuilt. */
  readonly reused: string[];
  readonly rebuilt: string[];
}

/** What one environment's synth produced, as stored in its entry's meta.json. */
interface EntryMeta {
  readonly format: number;
  readonly stacks: string[];
  readonly warnings: string[];
  readonly notes: string[];
  /** The environment's manifest.json, to merge with the others'. */
  readonly manifest: { version: string; stacks: Record<string, unknown> };
}

interface IndexEntry {
  readonly file: string;
  /** Environment name (unique across files: checked when any file changes). */
  readonly name: string;
  /** Files the output depends on: the environment file first. */
  readonly inputs: string[];
  readonly key: string;
}

interface CacheIndex {
  readonly format: number;
  /** The output directory this index describes; an index whose output is gone is dropped by prune. */
  readonly outdir: string;
  readonly patterns: string;
  readonly listings: Record<string, string[] | null>;
  readonly environments: IndexEntry[];
  /** Content hash of every file of the output as last written: an intact output is left as is. */
  readonly outputStamp: string;
}

const sha256 = (...parts: (string | Buffer)[]) => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p).update('\0');
  return hash.digest('hex');
};

/** Where this machine's random key lives by default: outside every repository. */
function defaultKeyFile(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'xivo-cdktf', 'synth-cache.key');
}

/** This machine's (and user's) random key, created on first use: no entry made elsewhere can carry a key computed with it. */
export function machineKey(file: string = defaultKeyFile()): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.chmodSync(path.dirname(file), 0o700);
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  fs.chmodSync(file, 0o600);
  const key = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(key))
    throw new SynthCacheError(`${file}: not a synth cache key (64 hex digits): delete it, the next synth makes a new one`);
  return Buffer.from(key, 'hex');
}

/** This machine's key; where none can be kept (a read-only home), a key of this run only: nothing is reused, nothing is trusted. */
function machineKeyOrNone(file?: string): Buffer {
  try {
    return machineKey(file);
  } catch (e) {
    if (e instanceof SynthCacheError) throw e;
    return randomBytes(32);
  }
}

/** The message for a cache directory that git tracks. */
export const TRACKED_CACHE_MESSAGE = (dir: string, files: number) =>
  `${dir}: the synth cache is tracked by git (${files} file${files === 1 ? '' : 's'}): a committed cache could serve output that no environment file says. ` +
  `Remove it from the repository (git rm -r --cached ${path.basename(dir)}) and synth again`;

/** Refuses a cache directory that git tracks (a force-committed `.synth-cache/`); no git, or no repository: nothing to refuse. */
function refuseTrackedCache(dir: string): void {
  const cwd = fs.existsSync(dir) ? dir : path.dirname(dir);
  const listed = spawnSync('git', ['ls-files', '-z', '--', dir], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (listed.status !== 0 || !listed.stdout) return;
  throw new SynthCacheError(TRACKED_CACHE_MESSAGE(dir, listed.stdout.split('\0').filter(Boolean).length));
}

/** Every compiled source the synth runs: dist/**.js when run from dist, the TypeScript sources under Jest. */
function codeHash(root: string): string {
  const SKIP = new Set([
    'node_modules',
    '.git',
    '__tests__',
    'cdktf.out',
    'cdktf.out.partial',
    'dist',
    'docs',
    'environments',
    'schema',
    'coverage',
    '.synth-cache',
    'scripts',
    'deploy',
    'lib',
  ]);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name) && !entry.name.startsWith('.')) walk(full);
      } else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(root);
  return sha256(...files.flatMap((f) => [path.relative(root, f), fs.readFileSync(f)]));
}

function fileState(file: string): string {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return 'missing';
  }
}

/** Directories the patterns of XIVO_ENV_FILES list: adding or removing a file there changes the set of environments. */
function listings(patterns: string): Record<string, string[] | null> {
  const out: Record<string, string[] | null> = {};
  for (const pattern of (patterns || DEFAULT_ENV_FILES)
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const dir = path.dirname(pattern);
    try {
      out[dir] = fs.readdirSync(dir).sort();
    } catch {
      out[dir] = null;
    }
  }
  return out;
}

/** Files under a directory, relative, sorted. */
function readTreeFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(path.relative(root, full));
    }
  };
  if (fs.existsSync(root)) walk(root);
  return files.sort();
}

/** Copies a directory tree into another, merging directories (a plain walk: fs.cpSync costs more per file). */
function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyTree(source, path.join(to, entry.name));
    else fs.copyFileSync(source, path.join(to, entry.name), fs.constants.COPYFILE_FICLONE);
  }
}

/**
 * What Terraform and cdktf write into a stack directory (`stacks/<stack>/.terraform/`, plan files,
 * state of a default local backend): not synth's output, so not part of its stamp. Otherwise the
 * first `terraform init` would make the next synth rebuild the output and init start again.
 */
const TERRAFORM_WORKING_FILE = /^stacks\/[^/]+\/(\.terraform\/|plan$|[^/]*\.(tfplan|plan)$|terraform\.tfstate|\.terraform\.tfstate)/;

/** Path and content of every file synth wrote in a directory: changes when any is added, removed or rewritten (whatever its mtime). */
function outputStamp(dir: string, { withMarker = true } = {}): string {
  return sha256(
    ...readTreeFiles(dir)
      .filter((f) => !TERRAFORM_WORKING_FILE.test(f.split(path.sep).join('/')) && (withMarker || f !== OUTPUT_MARKER))
      .flatMap((f) => [f, sha256(fs.readFileSync(path.join(dir, f)))]),
  );
}

class SynthCache {
  readonly outdir: string;
  private readonly dir: string;
  private readonly indexFile: string;
  private readonly globalKey: string;
  private readonly secret: Buffer;

  constructor(options: CachedSynthOptions) {
    this.outdir = path.resolve(options.outdir ?? (process.env.CDKTF_OUTDIR || 'cdktf.out'));
    this.dir = path.resolve(options.cacheDir ?? '.synth-cache');
    refuseTrackedCache(this.dir);
    this.secret = machineKeyOrNone(options.keyFile);
    this.indexFile = path.join(this.dir, `index-${sha256(this.outdir).slice(0, 16)}.json`);
    this.globalKey = sha256(
      String(CACHE_FORMAT),
      process.version,
      codeHash(path.resolve(__dirname, '..')),
      fileState('package-lock.json'),
      fileState(path.join('node_modules', '.package-lock.json')),
      fileState(providerLockPath()),
      this.outdir,
    );
  }

  /**
   * An environment's key: keyed with this machine's secret, over the global key, the directories
   * its files may resolve into (XIVO_SECRETS_DIRS, resolved) and the path and content of every input.
   */
  keyOf(inputs: readonly string[]): string {
    const allowed = inputs.length ? allowedDirectories(path.dirname(inputs[0])) : [];
    const hmac = createHmac('sha256', this.secret);
    for (const part of [this.globalKey, ...allowed, '\0dirs', ...inputs.flatMap((f) => [f, fileState(f)])]) hmac.update(part).update('\0');
    return hmac.digest('hex');
  }

  /** True when every file an environment names still resolves inside its allowed directories (a symbolic link may have moved). */
  static contained(inputs: readonly string[]): boolean {
    const [environmentFile, ...named] = inputs;
    return named.every((f) => containmentProblem(path.dirname(environmentFile), f) === undefined);
  }

  entryDir(key: string): string {
    return path.join(this.dir, 'entries', key);
  }

  readIndex(): CacheIndex | undefined {
    try {
      const index = JSON.parse(fs.readFileSync(this.indexFile, 'utf8')) as CacheIndex;
      return index.format === CACHE_FORMAT ? index : undefined;
    } catch {
      return undefined;
    }
  }

  writeIndex(index: CacheIndex): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.indexFile}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(index, null, 1));
    fs.renameSync(tmp, this.indexFile);
  }

  /** Entries still usable for the index, when nothing about the set of environments changed. */
  validEntries(index: CacheIndex | undefined, patterns: string): IndexEntry[] | undefined {
    if (!index || index.patterns !== patterns || JSON.stringify(index.listings) !== JSON.stringify(listings(patterns))) return undefined;
    const entries = index.environments.map((e) => ({ ...e, key: this.keyOf(e.inputs) }));
    return entries.every(
      (e, i) => e.key === index.environments[i].key && SynthCache.contained(e.inputs) && fs.existsSync(path.join(this.entryDir(e.key), 'meta.json')),
    )
      ? entries
      : undefined;
  }

  /**
   * Synthesizes environments in one app (the cost of a full synth), then splits the output per
   * environment into new entries: its stacks, runbooks/<env>, docs/<env>, manifest entries, warnings.
   */
  buildAll(environments: readonly { env: Environment; key: string }[]): void {
    if (environments.length === 0) return;
    const { synthesize } = require('../main') as typeof import('../main');
    const building = path.join(this.dir, 'entries', `.${process.pid}.building`);
    fs.rmSync(building, { recursive: true, force: true });
    fs.mkdirSync(building, { recursive: true });
    const tree = path.join(building, 'all');
    const warnings: string[] = [];
    const notes: string[] = [];
    synthesize(tree, {
      environments: environments.map((e) => e.env),
      referenceOutdir: this.outdir,
      onWarning: (w) => warnings.push(w),
      onNote: (n) => notes.push(n),
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(tree, 'manifest.json'), 'utf8')) as EntryMeta['manifest'];
    // Whole-output files, written again when the output is assembled.
    fs.rmSync(path.join(tree, 'manifest.json'));
    fs.rmSync(path.join(tree, OUTPUT_MARKER), { force: true });
    const claimed = new Set<string>();
    for (const { env, key } of environments) {
      // Each server's stack, and its key stack when it has one (issue 20).
      const stacks = env.servers.flatMap((s) => [s.stackName, `${s.stackName}${KEY_STACK_SUFFIX}`]).filter((s) => manifest.stacks[s]);
      const entry = path.join(building, key);
      const parts = [...stacks.map((s) => path.join('stacks', s)), path.join('runbooks', env.name), path.join('docs', env.name)];
      for (const part of parts.filter((p) => fs.existsSync(path.join(tree, p)))) {
        fs.mkdirSync(path.dirname(path.join(entry, 'tree', part)), { recursive: true });
        fs.renameSync(path.join(tree, part), path.join(entry, 'tree', part));
      }
      const isOwn = (w: string) =>
        stacks.some((s) => w.startsWith(`${s}/`) || w.startsWith(`${s}: `)) ||
        w.startsWith(`${path.join('docs', env.name)}:`) ||
        w.startsWith(`${env.file}:`);
      const own = warnings.filter(isOwn);
      const ownNotes = notes.filter(isOwn);
      [...own, ...ownNotes].forEach((w) => claimed.add(w));
      const meta: EntryMeta = {
        format: CACHE_FORMAT,
        stacks,
        warnings: own,
        notes: ownNotes,
        manifest: { version: manifest.version, stacks: Object.fromEntries(stacks.map((s) => [s, manifest.stacks[s]])) },
      };
      fs.mkdirSync(path.join(entry, 'tree'), { recursive: true });
      fs.writeFileSync(path.join(entry, 'meta.json'), JSON.stringify(meta));
    }
    // Anything synth writes must belong to one environment, or the cache would lose it.
    const left = readTreeFiles(tree);
    const orphans = [...warnings, ...notes].filter((w) => !claimed.has(w));
    if (left.length || orphans.length) {
      fs.rmSync(building, { recursive: true, force: true });
      throw new InternalError(`synth cache: output not attributable to one environment: ${[...left, ...orphans].join(', ')}`);
    }
    for (const { key } of environments) {
      fs.rmSync(this.entryDir(key), { recursive: true, force: true });
      fs.renameSync(path.join(building, key), this.entryDir(key));
    }
    fs.rmSync(building, { recursive: true, force: true });
  }

  /** Stacks, warnings and notes of entries whose output is already in place. */
  replay(keys: readonly string[], options: CachedSynthOptions): string[] {
    return keys.flatMap((key) => {
      const meta = JSON.parse(fs.readFileSync(path.join(this.entryDir(key), 'meta.json'), 'utf8')) as EntryMeta;
      meta.warnings.forEach((w) => options.onWarning?.(w));
      meta.notes.forEach((n) => options.onNote?.(n));
      return meta.stacks;
    });
  }

  /** Writes the final output from entries into a staging directory, then swaps it into place (guarded). */
  assemble(keys: readonly string[], environmentFiles: readonly string[], options: CachedSynthOptions): string[] {
    checkOutputDirectory(this.outdir, environmentFiles);
    const partial = stagingDirectory(this.outdir);
    const stacks: string[] = [];
    let manifest: EntryMeta['manifest'] | undefined;
    try {
      fs.mkdirSync(partial, { recursive: true });
      for (const key of keys) {
        const meta = JSON.parse(fs.readFileSync(path.join(this.entryDir(key), 'meta.json'), 'utf8')) as EntryMeta;
        copyTree(path.join(this.entryDir(key), 'tree'), partial);
        manifest = { version: meta.manifest.version, stacks: { ...manifest?.stacks, ...meta.manifest.stacks } };
        stacks.push(...meta.stacks);
        meta.warnings.forEach((w) => options.onWarning?.(w));
        meta.notes.forEach((n) => options.onNote?.(n));
      }
      // The CDK's own serializer (sorted keys, its spacing), so the merged manifest equals a full synth's.
      // Loaded here only: the fast path (nothing changed) loads no CDK module.
      const { manifestStringify } = require('../constructs/terraform-cdk') as typeof import('../constructs/terraform-cdk');
      fs.writeFileSync(path.join(partial, 'manifest.json'), manifestStringify(manifest ?? { stacks: {} }));
    } catch (e) {
      fs.rmSync(partial, { recursive: true, force: true });
      throw e;
    }
    // An output already holding exactly these bytes is left in place (a forced synth of unchanged
    // files, as every deploy runs): a Terraform run in it (another deploy) keeps its directory.
    if (
      fs.existsSync(path.join(this.outdir, OUTPUT_MARKER)) &&
      outputStamp(partial, { withMarker: false }) === outputStamp(this.outdir, { withMarker: false })
    ) {
      fs.rmSync(partial, { recursive: true, force: true });
      return stacks;
    }
    replaceOutputDirectory(partial, this.outdir, { deleteOldInBackground: true });
    return stacks;
  }

  /** Removes the indexes of output directories that no longer exist, then entries no index refers to. */
  prune(): void {
    const used = new Set<string>();
    for (const name of fs.readdirSync(this.dir).filter((n) => /^index-.*\.json$/.test(n))) {
      let index: CacheIndex;
      try {
        index = JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as CacheIndex;
      } catch {
        return; // an index being written by another synth: keep everything
      }
      if (index.format !== CACHE_FORMAT || !fs.existsSync(index.outdir)) fs.rmSync(path.join(this.dir, name), { force: true });
      else index.environments.forEach((e) => used.add(e.key));
    }
    const entries = path.join(this.dir, 'entries');
    for (const name of fs.existsSync(entries) ? fs.readdirSync(entries) : []) {
      if (!used.has(name) && !name.endsWith('.building')) fs.rmSync(path.join(entries, name), { recursive: true, force: true });
    }
  }
}

/** Synthesizes the environments of XIVO_ENV_FILES into the output directory, reusing unchanged ones. */
export function cachedSynth(options: CachedSynthOptions = {}): CachedSynthResult {
  const cache = new SynthCache(options);
  const patterns = process.env.XIVO_ENV_FILES ?? '';
  const index = options.force ? undefined : cache.readIndex();
  const unchanged = cache.validEntries(index, patterns);
  if (unchanged) {
    const keys = unchanged.map((e) => e.key);
    // An output exactly as the same entries left it last time needs no writing at all.
    const environments = unchanged.map((e) => e.name);
    if (outputStamp(cache.outdir) === index!.outputStamp)
      return { stacks: cache.replay(keys, options), environments, reused: unchanged.map((e) => e.file), rebuilt: [] };
    const stacks = cache.assemble(
      keys,
      unchanged.map((e) => e.file),
      options,
    );
    cache.writeIndex({ ...index!, outputStamp: outputStamp(cache.outdir) });
    return { stacks, environments, reused: unchanged.map((e) => e.file), rebuilt: [] };
  }

  // Something changed. Unchanged files keep their entry (their key proves their inputs, hence their
  // validity, are the same); changed or new files are parsed and validated.
  const loader = require('../config/loader') as typeof import('../config/loader');
  const { files, issues } = loader.expandEnvFiles(patterns || loader.DEFAULT_ENV_FILES);
  const known = new Map((index?.environments ?? []).map((e) => [e.file, e]));
  const entries: IndexEntry[] = [];
  const toBuild: { env: Environment; key: string }[] = [];
  let invalid = issues.length > 0;
  for (const file of files) {
    const prior = known.get(file);
    if (
      prior &&
      cache.keyOf(prior.inputs) === prior.key &&
      SynthCache.contained(prior.inputs) &&
      fs.existsSync(path.join(cache.entryDir(prior.key), 'meta.json'))
    ) {
      entries.push(prior);
      continue;
    }
    const { environment: env } = loader.loadEnvironmentFile(file);
    if (!env) {
      invalid = true;
      continue;
    }
    const inputs = [path.resolve(env.file), ...env.inputFiles];
    const key = cache.keyOf(inputs);
    entries.push({ file, name: env.name, inputs, key });
    if (options.force || !fs.existsSync(path.join(cache.entryDir(key), 'meta.json'))) toBuild.push({ env, key });
  }
  // Bad input or a name used twice: the loader reports every issue of every file at once (and throws).
  if (invalid || new Set(entries.map((e) => e.name)).size !== entries.length) loader.loadEnvironments(patterns || undefined);

  cache.buildAll(toBuild);
  const stacks = cache.assemble(
    entries.map((e) => e.key),
    files,
    options,
  );
  cache.writeIndex({
    format: CACHE_FORMAT,
    outdir: cache.outdir,
    patterns,
    listings: listings(patterns),
    environments: entries,
    outputStamp: outputStamp(cache.outdir),
  });
  cache.prune();
  const rebuilt = new Set(toBuild.map((b) => b.env.file));
  return {
    stacks,
    environments: entries.map((e) => e.name),
    reused: entries.filter((e) => !rebuilt.has(e.file)).map((e) => e.file),
    rebuilt: [...rebuilt],
  };
}
