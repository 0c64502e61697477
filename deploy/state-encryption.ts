/**
 * OpenTofu's state and plan encryption (`backend.encryption` in the environment file): every state
 * and saved plan is encrypted at rest with a key derived from a passphrase (pbkdf2 key provider,
 * aes_gcm method, `enforced`: an unencrypted state or plan is refused). The configuration reaches
 * OpenTofu in `TF_ENCRYPTION`, set by deploy for each Terraform run of an encrypted stack: nothing
 * of it is in cdk.tf.json, and the passphrase is read from its environment variable here only, at
 * deploy time, never by synth. The same configuration decrypts the states other stacks read
 * (`remote_state_data_sources`): every stack of an environment shares the passphrase.
 */
import * as path from 'path';
import { terraformLiteral } from '../config/literal';
import { StateEncryptionInfo } from '../stacks/state-encryption';
import { terraformBinary } from './terraform';

/** OpenTofu's pbkdf2 key provider refuses a shorter passphrase. */
export const MIN_PASSPHRASE_LENGTH = 16;

/** An HCL string literal: quotes and backslashes escaped, and `${` / `%{` so that HCL reads no template. */
function hclString(value: string): string {
  return terraformLiteral(JSON.stringify(value));
}

/** The value of `TF_ENCRYPTION` for `passphrase`. */
export function encryptionConfig(passphrase: string): string {
  return [
    `key_provider "pbkdf2" "xivo" {\n  passphrase = ${hclString(passphrase)}\n}`,
    'method "aes_gcm" "xivo" {\n  keys = key_provider.pbkdf2.xivo\n}',
    'state {\n  method   = method.aes_gcm.xivo\n  enforced = true\n}',
    'plan {\n  method   = method.aes_gcm.xivo\n  enforced = true\n}',
    'remote_state_data_sources {\n  default {\n    method = method.aes_gcm.xivo\n  }\n}',
  ].join('\n');
}

/**
 * The environment of the Terraform runs of a stack: `env` itself without `encryption`, with it
 * TF_ENCRYPTION added, or why that cannot be given: Terraform has no state encryption, and a
 * missing or short passphrase would leave the state unreadable or unencrypted.
 */
export function encryptedEnvironment(
  { name: stack, encryption }: { readonly name: string; readonly encryption?: StateEncryptionInfo },
  env: NodeJS.ProcessEnv,
): { env: NodeJS.ProcessEnv; problem?: undefined } | { problem: string } {
  if (!encryption) return { env };
  const binary = terraformBinary(env);
  if (!path.basename(binary).startsWith('tofu')) {
    return {
      problem:
        `${stack}: backend.encryption needs OpenTofu (state encryption is OpenTofu's), but deploy runs "${binary}": ` +
        `install OpenTofu and run with XIVO_TERRAFORM=tofu, or remove backend.encryption`,
    };
  }
  const passphrase = env[encryption.passphraseEnv];
  if (!passphrase || passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return {
      problem:
        `${stack}: backend.encryption reads the passphrase of the states from ${encryption.passphraseEnv}, which is ` +
        `${passphrase ? `${passphrase.length} characters long` : 'not set'}: export ${encryption.passphraseEnv} ` +
        `(${MIN_PASSPHRASE_LENGTH} characters or more, the same for every stack of the environment; keep it in your secret store)`,
    };
  }
  return { env: { ...env, TF_ENCRYPTION: encryptionConfig(passphrase) } };
}

/** `backend.encryption` cannot be honoured (Terraform instead of OpenTofu, no passphrase): nothing was run. */
export class StateEncryptionError extends Error {}

/** The environment of the Terraform runs of `stack` (TF_ENCRYPTION when its state is encrypted). */
export function stackEnvironment(stack: { name: string; encryption?: StateEncryptionInfo }, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const encrypted = encryptedEnvironment(stack, env);
  if (encrypted.problem !== undefined) throw new StateEncryptionError(encrypted.problem);
  return encrypted.env;
}
