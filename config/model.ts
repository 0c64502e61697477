/**
 * The resolved environment: what the stacks are built from, after validation.
 * Placement (which service runs on which server) and public names are decided here, once.
 */
import { containerName } from '../catalogue/services';
import { PublicName, Role, ServiceDefinition, ServiceId } from '../catalogue/types';
import type { ConfigIssue } from './errors';
import { BackendSpec, DockerConnectionSpec, EnvironmentFile, ServiceOverride } from './schema';

export interface ServerModel {
  readonly name: string;
  /** Stack name: `<env>-<server>`. */
  readonly stackName: string;
  readonly address: string;
  readonly fqdn?: string;
  readonly docker: DockerConnectionSpec;
  readonly roles: readonly Role[];
  /** Enabled catalogue services placed on this server, in catalogue order. */
  readonly services: readonly ServiceDefinition[];
  /** Existing Docker network adopted as the server's network (taking over an installation). @default a new network */
  readonly adoptNetwork?: string;
}

export interface Environment {
  readonly name: string;
  /** Path of the environment file, relative to the working directory. */
  readonly file: string;
  /** Absolute directory of the environment file (relative file paths in it resolve from here). */
  readonly directory: string;
  readonly release: string;
  readonly dist: string;
  readonly registry?: string;
  readonly backend: BackendSpec;
  readonly logging: { readonly maxSize: string; readonly maxFile: number };
  readonly publicNames: Readonly<Record<PublicName, string | undefined>>;
  readonly servers: readonly ServerModel[];
  /** Where each enabled service runs. */
  readonly placement: ReadonlyMap<ServiceId, ServerModel>;
  readonly overrides: Readonly<Record<string, ServiceOverride>>;
  /** The validated file as written, for constructs that read their own section. */
  readonly spec: EnvironmentFile;
  /** Settings that work but deserve a word, at their file, line and key (printed by synth). @default none */
  readonly warnings?: readonly ConfigIssue[];
}

export function serversWithRole(env: Environment, role: Role): ServerModel[] {
  return env.servers.filter((s) => s.roles.includes(role));
}

/** Docker name of a service's container: the adopted container's own name, else the catalogue's. */
export function containerNameOf(env: Environment, def: ServiceDefinition): string {
  return env.overrides[def.id]?.adoptContainer?.name ?? containerName(def);
}
