/**
 * The sensitive Terraform variables of xuc's features, one per stack and fixed name, so
 * `TF_VAR_<name>` set once reaches every stack that needs it. Each feature defines its own
 * (next to the code that uses it); values never reach cdktf.out.
 */
import { IConstruct } from 'constructs';
import { TerraformStack, TerraformVariable } from '../terraform-cdk';

/** A sensitive variable a feature declares. */
export interface SecretVariable {
  /** Terraform variable name: set `TF_VAR_<name>`. */
  readonly name: string;
  readonly description: string;
  /** Checks Terraform runs on the value at plan time; `condition` gets the variable reference. */
  readonly validation: readonly { readonly condition: (ref: string) => string; readonly errorMessage: string }[];
}

/** Characters that survive JAVA_OPTS word splitting by the start script. */
export const JVM_SAFE = '^[^\\\\s\\"\'\\\\\\\\]+$';

/** The variable in the stack of `scope`, created on first use. */
export function secretVariable(scope: IConstruct, def: SecretVariable): TerraformVariable {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(def.name) as TerraformVariable | undefined;
  if (existing) return existing;
  return new TerraformVariable(stack, def.name, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: `${def.description} Set TF_VAR_${def.name}.`,
    validation: def.validation.map((v) => ({ condition: v.condition(`var.${def.name}`), errorMessage: v.errorMessage })),
  });
}
