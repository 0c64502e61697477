/**
 * A stack built the way a library user builds one: a cdktf app, a TerraformStack, the Docker
 * provider, the server's Docker network and a Deployment with a fixed PlatformDirectory. No environment file, no config layer.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { Network } from '@cdktf/provider-docker/lib/network';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Deployment } from '../../constructs/deployment';
import { PlatformDirectory, StaticDirectoryProps } from '../../constructs/platform-directory';

/** Public names of the library platform: what the catalogue's `public` sources resolve to. */
export const LIBRARY_DIRECTORY: StaticDirectoryProps = {
  publicNames: { xivoHost: 'pbx.lib.example.com', xucHost: 'cc.lib.example.com' },
  endpoints: { xuc: { host: 'xivocc-xuc', port: 8090, local: true } },
};

export interface LibraryStack {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly network: Network;
  readonly deployment: Deployment;
  /** `Testing.synth` of the stack, parsed. */
  synth(): Record<string, any>;
}

export interface LibraryStackOptions {
  /** Stack id. @default 'library' */
  readonly id?: string;
  /** Put the stack in this app (two stacks of one app). @default a new `Testing.app()` */
  readonly app?: App;
}

export function libraryStack(options: LibraryStackOptions = {}): LibraryStack {
  const app = options.app ?? Testing.app();
  const stack = new TerraformStack(app, options.id ?? 'library');
  new DockerProvider(stack, 'docker', {});
  const network = new Network(stack, 'network', { name: 'xivo' });
  const deployment: Deployment = {
    environment: 'lib',
    release: '2024.10.00',
    server: 'cc1',
    network,
    directory: PlatformDirectory.of(LIBRARY_DIRECTORY),
  };
  return { app, stack, network, deployment, synth: () => JSON.parse(Testing.synth(stack)) };
}

/** Every resource of `type` in a synthesized stack (empty when none). */
export function resourcesOf(json: Record<string, any>, type: string): Record<string, any>[] {
  return Object.values(json.resource?.[type] ?? {});
}

/**
 * Synthesizes the whole app (cross-stack references become outputs and `terraform_remote_state`,
 * which `Testing.synth` of one stack does not do) and reads each stack's `cdk.tf.json`.
 */
export function synthApp(app: App): (stackId: string) => Record<string, any> {
  app.synth();
  return (stackId) => JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', stackId, 'cdk.tf.json'), 'utf8'));
}
