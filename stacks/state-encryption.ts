/**
 * What synth records of `backend.encryption` (OpenTofu's state and plan encryption) in each stack's
 * `cdk.tf.json` metadata: the name of the passphrase's environment variable, for deploy, which
 * gives OpenTofu the configuration in TF_ENCRYPTION (deploy/state-encryption.ts). Neither the
 * configuration nor any value is written: synth never reads the passphrase.
 */
import { TerraformStack } from '../constructs/terraform-cdk';

/** Default environment variable of the passphrase. */
export const DEFAULT_PASSPHRASE_ENV = 'XIVO_STATE_PASSPHRASE';

/** The metadata of an encrypted stack (`"//": { "xivo": { "stateEncryption": … } }`). */
export interface StateEncryptionInfo {
  readonly passphraseEnv: string;
}

/** Marks `stack`'s state as encrypted with the passphrase in `passphraseEnv`. */
export function recordStateEncryption(stack: TerraformStack, passphraseEnv = DEFAULT_PASSPHRASE_ENV): void {
  const info: StateEncryptionInfo = { passphraseEnv };
  stack.addOverride('//.xivo.stateEncryption', info);
}
