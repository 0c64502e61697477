/**
 * The Terraform version a stack needs, stated where Terraform and OpenTofu check it themselves:
 * the stack's `terraform { required_version }`, read by `init`, `plan` and `apply`.
 *
 * cdktf's own way (`importFrom()` adds a construct validation) runs `terraform version` during
 * synth, which then fails on a machine without Terraform: a newcomer's laptop, or a CI job that
 * only synthesizes and reviews. Synth needs no program; the version is Terraform's to check.
 */
import { IConstruct, IValidation, Node } from 'constructs';
import { TerraformResource, TerraformStack, ValidateBinaryVersion } from './terraform-cdk';

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
 * Runs `create` (a construct's constructor, an `importFrom` call) without cdktf's synth-time
 * probes of the Terraform binary: `terraform_data` (cdktf `DataResource`) and `import` blocks each
 * register a `ValidateBinaryVersion` that runs `terraform version` during synth. Those are the only
 * validations dropped; every other one is kept. The version they check is written into the stack's
 * `required_version` instead, for Terraform to check itself.
 */
export function withoutTerraformProbe<T>(scope: IConstruct, create: () => T): T {
  requireTerraformVersion(scope);
  const prototype = Node.prototype;
  const addValidation = prototype.addValidation;
  prototype.addValidation = function (this: Node, validation: IValidation): void {
    if (!(validation instanceof ValidateBinaryVersion)) addValidation.call(this, validation);
  };
  try {
    return create();
  } finally {
    prototype.addValidation = addValidation;
  }
}

/** `resource.importFrom(id)` (a Terraform `import` block), without cdktf's probe of the Terraform binary. */
export function importExisting(resource: TerraformResource, id: string): void {
  withoutTerraformProbe(resource, () => resource.importFrom(id));
}
