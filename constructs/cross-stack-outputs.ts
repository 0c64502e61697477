/**
 * Cross-stack outputs carry public material only. cdktf turns a value of one stack used in another
 * into an output of the first (`cross-stack-output-…`) read by a `terraform_remote_state` of the
 * second; that data source stores every output of the first state in the second's state. A secret
 * in such an output is therefore copied into every state that reads the stack: synth refuses it.
 *
 * Secret means: a reference to a sensitive variable, a `sensitive()` value (a key read at plan
 * time), or an attribute that holds a key, a password or a token (`private_key_pem`, a container's
 * `upload`...). Certificates, CSRs and addresses pass.
 */
import { TerraformOutput, TerraformStack, TerraformVariable } from './terraform-cdk';
import { synthesizedValue } from './synthesized-value';
import { ValidationError } from './errors';

const CROSS_STACK_OUTPUT = 'cross-stack-output-';

/** Attributes that hold a secret (hashicorp/tls keys, the Docker provider's uploads and env, passwords, tokens). */
const SECRET_ATTRIBUTE =
  /\b[a-z][\w]*\.[\w-]+\.(?:[\w.-]*\.)?([\w-]*(?:private_key|password|passphrase|secret|token)[\w-]*|upload|env|content_base64)\b/i;

/** Why `expression` (as synth writes it) is secret, or undefined. */
export function secretIn(expression: string, sensitiveVariables: ReadonlySet<string>): string | undefined {
  if (/\bsensitive\(/.test(expression)) return 'a sensitive() value';
  for (const [, name] of expression.matchAll(/\bvar\.([\w-]+)/g)) if (sensitiveVariables.has(name)) return `the sensitive variable ${name}`;
  const attribute = SECRET_ATTRIBUTE.exec(expression);
  return attribute ? `the attribute ${attribute[1]}, a secret` : undefined;
}

/** Adds to `stack` the synth-time check that no output another stack reads carries a secret. */
export function checkCrossStackOutputs(stack: TerraformStack): void {
  stack.node.addValidation({
    validate: () => {
      const resolve = (value: unknown) => synthesizedValue(stack, value);
      const children = stack.node.findAll();
      const sensitive = new Set(
        children.filter((c): c is TerraformVariable => c instanceof TerraformVariable && c.sensitive === true).map((v) => v.friendlyUniqueId),
      );
      for (const output of children.filter((c): c is TerraformOutput => c instanceof TerraformOutput && c.node.id.startsWith(CROSS_STACK_OUTPUT))) {
        const expression = JSON.stringify(resolve(output.value));
        const why = secretIn(expression, sensitive);
        if (why) throw new ValidationError(crossStackSecretMessage(expression, why), output);
      }
      return [];
    },
  });
}

/** The refusal of a secret in a cross-stack output. */
export function crossStackSecretMessage(expression: string, why: string): string {
  return (
    `this output is read by another stack (terraform_remote_state) and carries ${why} (${expression}): ` +
    `every state that reads this stack would hold it. Pass public material only (a certificate, a CSR, an address); ` +
    `make the secret in the stack that uses it (a server's key in its key stack, ServerKeyStack)`
  );
}
