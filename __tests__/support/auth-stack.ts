/** Builds the stacks of an environment object in memory and finds the xuc constructs in them. */
import { AnnotationMetadataEntryType, App, Testing } from '../../constructs/terraform-cdk';
import { IConstruct } from 'constructs';
import { XivoPlatform } from '../../constructs/xivo-platform';
import { XucService } from '../../constructs/xuc/xuc-service';
import { XucmgtService } from '../../constructs/xuc/xucmgt-service';
import { buildEnvironment } from '../../stacks/platform';
import { ServerStack } from '../../stacks/server-stack';
import { baseline, load } from './environments';
import { Environment } from '../../config/model';

/** The baseline environment (PBX + CC) with an `auth` section and extra changes. */
export function withAuth(auth: Record<string, any>, change: (env: Record<string, any>) => void = () => undefined): Record<string, any> {
  const env = baseline();
  env.auth = auth;
  change(env);
  return env;
}

export interface BuiltEnvironment {
  readonly app: App;
  readonly stacks: ServerStack[];
  /** The environment's platform (public names, every internal name). */
  readonly platform: XivoPlatform;
  /** The xuc of a role (default cc). */
  xuc(role?: 'cc' | 'ucaddon'): XucService;
  xucmgt(role?: 'cc' | 'ucaddon'): XucmgtService;
  /** Synthesized JSON of the stack holding `construct`. */
  json(construct: IConstruct): Record<string, any>;
}

export function build(envObject: Record<string, any>, name?: string): BuiltEnvironment {
  const app = Testing.app();
  const stacks = buildEnvironment(app, load(envObject, name));
  const find = <T>(cls: new (...args: any[]) => T, role: string): T => {
    const found = app.node.findAll().find((c) => c instanceof cls && c.node.path.includes(`/${role}/`));
    if (!found) throw new Error(`no ${cls.name} of role ${role}`);
    return found as T;
  };
  return {
    app,
    stacks,
    platform: stacks[0].platform,
    xuc: (role = 'cc') => find(XucService, role),
    xucmgt: (role = 'cc') => find(XucmgtService, role),
    json: (construct) => JSON.parse(Testing.synth(stacks.find((s) => construct.node.path.startsWith(`${s.node.id}/`))!)),
  };
}

/** Warnings attached to `construct` or below. */
export function warningsOf(construct: IConstruct): string[] {
  return construct.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

/** The synthesized `docker_container` named `name` in a stack's JSON. */
export function containerNamed(json: Record<string, any>, name: string): Record<string, any> {
  const found = Object.values<Record<string, any>>(json.resource.docker_container).find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

/** The `KEY=VALUE` env list of a synthesized container, as a map. */
export function envOf(container: Record<string, any>): Record<string, string> {
  return Object.fromEntries((container.env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/** The content of the file uploaded at `file` into a synthesized container. */
export function uploadOf(container: Record<string, any>, file: string): Record<string, any> {
  const found = (container.upload ?? []).find((u: { file: string }) => u.file === file);
  if (!found) throw new Error(`no upload ${file} in ${container.name}`);
  return found;
}

/** Every name the edge of an environment hides by default (its platform's internal names). */
export function internalNamesOf(env: Environment): string[] {
  return buildEnvironment(Testing.app(), env)[0].platform.internalNames();
}
