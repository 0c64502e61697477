/**
 * A value as synth writes it into `cdk.tf.json`: tokens resolved to their Terraform expressions
 * (`${var.play_auth_token}`, `${tls_private_key.x.private_key_pem}`), lazy values produced. What
 * the synth-time checks compare (the shared token, cross-stack outputs).
 */
import { IConstruct } from 'constructs';
import { DefaultTokenResolver, StringConcat, Tokenization } from './terraform-cdk';

export function synthesizedValue(scope: IConstruct, value: unknown): unknown {
  return Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()) });
}
