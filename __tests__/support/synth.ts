/** Synthesizes environments into a temp dir once per test file and reads the result. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../../main';

export interface SynthOutput {
  readonly outdir: string;
  readonly stacks: string[];
  /** Parsed `cdk.tf.json` of a stack. */
  json(stack: string): Record<string, any>;
  /** Every file of the output, path relative to outdir → content. */
  files(): Map<string, string>;
}

/** Synthesizes the environments selected by `envFiles` (default: the bundled ones). */
export function synthEnvironments(envFiles?: string): SynthOutput {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-synth-')), 'cdktf.out');
  const saved = process.env.XIVO_ENV_FILES;
  if (envFiles) process.env.XIVO_ENV_FILES = envFiles;
  else delete process.env.XIVO_ENV_FILES;
  try {
    const stacks = synthesize(outdir, { referenceOutdir: 'cdktf.out' });
    const cache = new Map<string, Record<string, any>>();
    return {
      outdir,
      stacks,
      json(stack) {
        if (!cache.has(stack)) cache.set(stack, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')));
        return cache.get(stack)!;
      },
      files: () => readTree(outdir),
    };
  } finally {
    if (saved === undefined) delete process.env.XIVO_ENV_FILES;
    else process.env.XIVO_ENV_FILES = saved;
  }
}

export function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(root, full), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** All resources of a type in a stack's JSON, by logical id. */
export function resources(json: Record<string, any>, type: string): [string, Record<string, any>][] {
  return Object.entries<Record<string, any>>(json.resource?.[type] ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** Every string anywhere inside a value. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/**
 * Resources of a type that the PBX stack (`json`) issued for an endpoint of `consumerStack`
 * (mode internal-ca: the certificates the CA signs are made where the CA is; the keys and CSRs in
 * each server's key stack, `<stack>-key`).
 */
export function issuedFor(json: Record<string, any>, consumerStack: string, type: string): [string, Record<string, any>][] {
  return resources(json, type).filter(([id]) => id.startsWith(`InternalCa_issued_${consumerStack}_`));
}
