/**
 * The provider lock (stacks/provider-lock.ts): every stack gets `.terraform.lock.hcl` with the
 * committed hashes of exactly the providers it requires, at the versions the bindings pin, in
 * the layout `terraform init` writes (so init never rewrites it). That Terraform refuses another
 * binary is proved by the end-to-end suite with a real init.
 */
import * as fs from 'fs';
import * as path from 'path';
import { lockBlocks, providerLockPath, stackLockFile } from '../../stacks/provider-lock';
import { synthEnvironments } from '../support/synth';

const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'providers.lock.hcl'), 'utf8');
const out = synthEnvironments();

test('the committed lock pins one version and at least one hash of each of the three providers', () => {
  expect(providerLockPath()).toBe(path.resolve(__dirname, '..', '..', 'providers.lock.hcl'));
  const blocks = lockBlocks(committed);
  expect([...blocks.keys()]).toEqual([
    'registry.terraform.io/hashicorp/local',
    'registry.terraform.io/hashicorp/tls',
    'registry.terraform.io/kreuzwerker/docker',
  ]);
  for (const block of blocks.values()) expect(block).toMatch(/^ {4}"h1:[A-Za-z0-9+/]{43}=",$/m);
});

test("every stack's lock file holds exactly its required providers, at the versions the bindings pin", () => {
  for (const stack of out.stacks) {
    const required = out.json(stack).terraform.required_providers as Record<string, { source: string; version: string }>;
    const lock = fs.readFileSync(path.join(out.outdir, 'stacks', stack, '.terraform.lock.hcl'), 'utf8');
    const blocks = lockBlocks(lock);
    const expected = Object.values(required)
      .map((p) => `registry.terraform.io/${p.source}`)
      .sort();
    expect({ stack, providers: [...blocks.keys()] }).toEqual({ stack, providers: expected });
    for (const p of Object.values(required)) {
      const block = blocks.get(`registry.terraform.io/${p.source}`)!;
      expect({ stack, version: /version {5}= "([^"]+)"/.exec(block)?.[1], constraints: /constraints = "([^"]+)"/.exec(block)?.[1] }).toEqual({
        stack,
        version: p.version,
        constraints: p.version,
      });
      expect(block).toBe(lockBlocks(committed).get(`registry.terraform.io/${p.source}`));
    }
  }
});

test("a stack's lock file has terraform init's own layout", () => {
  const dockerOnly = stackLockFile(committed, ['kreuzwerker/docker']);
  expect(dockerOnly).toBe(
    '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n\n' +
      lockBlocks(committed).get('registry.terraform.io/kreuzwerker/docker'),
  );
  expect(stackLockFile(committed, ['kreuzwerker/docker', 'hashicorp/tls', 'hashicorp/local'])).toBe(
    committed.endsWith('\n') ? committed : `${committed}\n`,
  );
});

test('a provider the committed lock does not list is an error, naming the script that writes it', () => {
  expect(() => stackLockFile(committed, ['hashicorp/random'])).toThrow(
    'providers.lock.hcl has no entry for registry.terraform.io/hashicorp/random: run scripts/lock-providers.sh and commit the file',
  );
});
