/** One hashicorp/tls and one hashicorp/local provider per stack, created on first use. */
import { IConstruct } from 'constructs';
import { LocalProvider, TerraformStack, TlsProvider } from '../terraform-cdk';

export function tlsProvider(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('tls')) new TlsProvider(stack, 'tls');
}

export function localProvider(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('local')) new LocalProvider(stack, 'local');
}
