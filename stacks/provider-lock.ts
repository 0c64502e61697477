/**
 * The Terraform dependency lock of every stack: `providers.lock.hcl` (committed, written by
 * scripts/lock-providers.sh from the provider binaries scripts/e2e/build-tools.sh builds from
 * the pinned sources) holds the hashes of the three providers; each stack gets
 * `.terraform.lock.hcl` with the blocks of the providers it requires, in Terraform's own layout.
 * `terraform init` then installs exactly those binaries and refuses any other, and never
 * rewrites the file (so the synth cache sees no change and deploys need no `providers lock`).
 */
import * as fs from 'fs';
import * as path from 'path';

/** Name of the committed lock file, at the root of the repository. */
export const PROVIDER_LOCK_FILE = 'providers.lock.hcl';
const HEADER = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';

/** The committed lock file is missing or lacks a provider the stacks require: run scripts/lock-providers.sh. */
export class ProviderLockError extends Error {}

/** The committed lock file: found next to package.json above this module (sources or dist/). */
export function providerLockPath(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, PROVIDER_LOCK_FILE);
    if (fs.existsSync(candidate) && fs.existsSync(path.join(dir, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir)
      throw new ProviderLockError(`${PROVIDER_LOCK_FILE} not found above ${from}: it is committed at the root of the repository`);
  }
}

/** `provider "<address>" { … }` blocks of a lock file, by address. */
export function lockBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of text.matchAll(/^provider "([^"]+)" \{\n[\s\S]*?^\}\n?/gm))
    blocks.set(match[1], match[0].endsWith('\n') ? match[0] : `${match[0]}\n`);
  return blocks;
}

/** Registry address of a `required_providers` source (`kreuzwerker/docker` → `registry.terraform.io/kreuzwerker/docker`). */
const addressOf = (source: string) => (source.split('/').length === 2 ? `registry.terraform.io/${source}` : source).toLowerCase();

/**
 * The `.terraform.lock.hcl` of a stack requiring `sources` (required_providers sources), as
 * Terraform writes it: header, then each provider's block in address order, blank-line separated.
 * A provider missing from the committed file is an error (synth would hand Terraform an
 * incomplete lock, and `init` would record whatever binary it finds).
 */
export function stackLockFile(lockText: string, sources: readonly string[]): string {
  const blocks = lockBlocks(lockText);
  const addresses = [...new Set(sources.map(addressOf))].sort();
  const missing = addresses.filter((a) => !blocks.has(a));
  if (missing.length)
    throw new ProviderLockError(`${PROVIDER_LOCK_FILE} has no entry for ${missing.join(', ')}: run scripts/lock-providers.sh and commit the file`);
  return `${HEADER}${addresses.map((a) => `\n${blocks.get(a)}`).join('')}`;
}

/** Writes `.terraform.lock.hcl` into every stack directory of a synthesized output. */
export function writeStackLockFiles(outdir: string, stacks: readonly string[], lockFile = providerLockPath()): void {
  const lockText = fs.readFileSync(lockFile, 'utf8');
  for (const stack of stacks) {
    const dir = path.join(outdir, 'stacks', stack);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    const sources = Object.values<{ source: string }>(config.terraform?.required_providers ?? {}).map((p) => p.source);
    fs.writeFileSync(path.join(dir, '.terraform.lock.hcl'), stackLockFile(lockText, sources));
  }
}
