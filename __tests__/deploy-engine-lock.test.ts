/** deploy/terraform.ts lockForEngine: the lock synth writes, addressed to the registry of the engine that reads it. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lockForEngine } from '../deploy/terraform';

const LOCK = `# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/kreuzwerker/docker" {
  version     = "3.6.2"
  constraints = "3.6.2"
  hashes = [
    "h1:Q3FysUp87Dia8Q0pdRm5TrPPB3k6DxIyiH5HBxab3ng=",
  ]
}

provider "registry.terraform.io/hashicorp/tls" {
  version = "4.1.0"
}
`;

function stackWithLock(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-engine-lock-'));
  fs.writeFileSync(path.join(dir, '.terraform.lock.hcl'), LOCK);
  return dir;
}
const lockOf = (dir: string) => fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8');

test('for OpenTofu, the same entries (versions, constraints, hashes) are addressed to registry.opentofu.org', () => {
  const dir = stackWithLock();
  lockForEngine(dir, { XIVO_TERRAFORM: '/opt/tools/bin/tofu' });
  expect(lockOf(dir)).toBe(LOCK.split('provider "registry.terraform.io/').join('provider "registry.opentofu.org/'));
  // Idempotent: a second run (every deploy) changes nothing.
  lockForEngine(dir, { XIVO_TERRAFORM: 'tofu' });
  expect(lockOf(dir)).toContain('provider "registry.opentofu.org/kreuzwerker/docker"');
  expect(lockOf(dir)).toContain('"h1:Q3FysUp87Dia8Q0pdRm5TrPPB3k6DxIyiH5HBxab3ng="');
});

test('for Terraform, the lock is left as synth wrote it', () => {
  const dir = stackWithLock();
  lockForEngine(dir, { XIVO_TERRAFORM: 'terraform' });
  expect(lockOf(dir)).toBe(LOCK);
});
