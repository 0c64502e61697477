/**
 * The Terraform version a stack needs, stated where Terraform and OpenTofu check it themselves:
 * the stack's `terraform { required_version }`, read by `init`, `plan` and `apply`.
 *
 * cdktf's own way (`importFrom()` adds a construct validation) runs `terraform version` during
 * synth, which then fails on a machine without Terraform: a newcomer's laptop, or a CI job that
 * only synthesizes and reviews. Synth needs no program; the version is Terraform's to check.
 */
import { IConstruct } from 'constructs';
import { TerraformResource, TerraformStack } from './terraform-cdk';

/**
 * Oldest Terraform that runs every stack we write: `import` blocks (adopted volumes) came in 1.5;
 * everything else we use (postconditions, `replace_triggered_by`, `can()`) is older.
 * OpenTofu (from 1.6) satisfies it as well.
 */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.5.0';

/** Writes `terraform { required_version }` into the stack of `scope` (idempotent). */
export function requireTerraformVersion(scope: IConstruct): void {
  TerraformStack.of(scope).addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
}

/**
 * `resource.importFrom(id)` (a Terraform `import` block) without cdktf's synth-time probe of the
 * Terraform binary: the version the block needs is written into the stack's `required_version`
 * instead. The probe is the one validation `importFrom` adds; it is not registered, so the
 * output (JSON, metadata) is cdktf's own.
 */
export function importExisting(resource: TerraformResource, id: string): void {
  requireTerraformVersion(resource);
  const node = resource.node;
  // An own property shadows Node.prototype.addValidation for the duration of the call only.
  Object.defineProperty(node, 'addValidation', { value: () => undefined, configurable: true, writable: true });
  try {
    resource.importFrom(id);
  } finally {
    delete (node as { addValidation?: unknown }).addValidation;
  }
}
