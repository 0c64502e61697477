/**
 * Stacks built the way a library user builds them: a cdktf app, a XivoPlatform, a XivoServer per
 * server, constructs built from their props. No environment file, no config layer.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from '../../constructs/terraform-cdk';
import { PublicName, Role } from '../../catalogue/types';
import { Deployment } from '../../constructs/deployment';
import { XivoPlatform, XivoPlatformProps } from '../../constructs/xivo-platform';
import { XivoServer } from '../../constructs/xivo-server';

/** Public names of the library platform: what the catalogue's `public` sources resolve to. */
export const LIBRARY_NAMES = { [PublicName.XIVO_HOST]: 'pbx.lib.example.com', [PublicName.XUC_HOST]: 'cc.lib.example.com' };

export interface LibraryStack {
  readonly app: App;
  readonly platform: XivoPlatform;
  readonly stack: XivoServer;
  readonly deployment: Deployment;
  /** `Testing.synth` of the stack, validations run, parsed. */
  synth(): Record<string, any>;
}

export interface LibraryStackOptions {
  /** Server name (the stack is `lib-<name>`). @default 'cc1' */
  readonly name?: string;
  /** Its roles. @default [Role.CC] */
  readonly roles?: readonly Role[];
  /** Its address. @default '10.0.0.2' */
  readonly address?: string;
  /** Its Docker host. @default 'unix:///var/run/docker.sock' */
  readonly dockerHost?: string;
  /** Put the server on this platform (several servers of one app). @default a new platform in a new `Testing.app()` */
  readonly platform?: XivoPlatform;
  /** Props of the new platform. @default release 2024.10.00 and LIBRARY_NAMES */
  readonly platformProps?: Partial<XivoPlatformProps>;
  /** Environment name of the new platform. @default 'lib' */
  readonly environment?: string;
}

/** A new platform (`lib` by default) in a new test app. */
export function libraryPlatform(props: Partial<XivoPlatformProps> = {}, environment = 'lib'): XivoPlatform {
  return new XivoPlatform(Testing.app(), environment, { release: '2024.10.00', publicNames: LIBRARY_NAMES, ...props });
}

export function libraryStack(options: LibraryStackOptions = {}): LibraryStack {
  const platform = options.platform ?? libraryPlatform(options.platformProps, options.environment);
  const app = platform.node.scope as App;
  const stack = new XivoServer(app, options.name ?? 'cc1', {
    platform,
    address: options.address ?? '10.0.0.2',
    docker: { host: options.dockerHost ?? 'unix:///var/run/docker.sock' },
    roles: options.roles ?? [Role.CC],
  });
  return { app, platform, stack, deployment: stack.deployment, synth: () => JSON.parse(Testing.synth(stack, true)) };
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
