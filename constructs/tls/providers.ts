/** One hashicorp/tls and one hashicorp/local provider per stack, created on first use. */
import { IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { LocalProvider } from '@cdktf/provider-local/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';

export function tlsProvider(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('tls')) new TlsProvider(stack, 'tls');
}

export function localProvider(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('local')) new LocalProvider(stack, 'local');
}
