/**
 * Adopting a running container (taking over an installation without restarting it).
 *
 * A plain Terraform import does not get there with kreuzwerker/docker 3.6.2: its container
 * Read (internal/provider/resource_docker_container_funcs.go, resourceDockerContainerRead)
 * never sets env, labels, volumes, upload nor networks_advanced ("We decided not to set the
 * environment variables and labels because they are taken over from the Docker image"), so
 * an imported state holds none of them while the configuration does, and each forces
 * replacement. Others are read back but cannot match a container that Compose created (see
 * ADOPTED_CONTAINER_IGNORED). Terraform offers no way to write the missing attributes into
 * the state from the configuration, and writing them by hand (state push) would bind us to the
 * provider's state layout.
 *
 * So an adopted container is imported, with `ignore_changes` on exactly those attributes,
 * and `replace_triggered_by` a `terraform_data` whose `triggers_replace` is the sha256 of
 * their configured values (and of the image's id). The first plan imports the container and
 * creates the fingerprint: no replacement (Terraform triggers on an update or replacement of
 * the referenced resource, never on its creation). A second plan is empty. A later change of
 * any of these attributes in the configuration changes the fingerprint, which replaces the
 * container as any other change would; the new container is created from the whole
 * configuration. Attributes the provider reads back and can update in place (memory, restart
 * policy) are not ignored: the environment file (written by `npm run discover`) carries the
 * values found, and a change is applied in place.
 */
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import {
  Container,
  DataResource,
  dependable,
  Fn,
  IResolvable,
  IResolveContext,
  Lazy,
  LazyBase,
  TerraformResource,
  Token,
  Tokenization,
} from './terraform-cdk';
import { importExisting, withoutTerraformProbe } from './terraform-version';

/** The running container a service adopts. */
export interface AdoptedContainer {
  /** Its name (`xivocc_xuc_1`); the service keeps it, also as its network alias. */
  readonly name: string;
  /** Its full id: the import id (the provider finds a container by id only). */
  readonly id: string;
  /** Its other network aliases (the Compose service name), kept by a replacement. @default none */
  readonly aliases?: readonly string[];
}

/**
 * Attributes of an adopted `docker_container` that the plan must not compare, each for a
 * reason read in the provider's source (3.6.2):
 * - `env`, `labels`, `volumes`, `upload`, `networks_advanced`: never set by Read, so empty
 *   after an import (all ForceNew);
 * - `image`: Read stores the image name (`Config.Image`) unless the state already holds an id,
 *   while the configuration gives the image id (ForceNew);
 * - `ports`: Compose publishes with an empty host IP, which Docker binds on 0.0.0.0 and ::,
 *   read back as two entries against our one (ForceNew);
 * - `network_mode`: Compose's containers run in their project network, read back as the
 *   network mode; ours are created in `bridge` and joined to `networks_advanced` (ForceNew);
 * - `log_driver`, `log_opts`: Compose leaves the daemon's logging; ours rotates (ForceNew);
 * - `healthcheck`, `host`: absent from a Compose container without them; the plan would show
 *   an update that the provider's Update does not perform;
 * - `attach`, `logs`, `must_run`, `remove_volumes`, `start`, `wait`, `wait_timeout`,
 *   `destroy_grace_seconds`, `container_read_refresh_timeout_milliseconds`: settings of
 *   Terraform's own handling that "can't be imported" (provider comments): null after an
 *   import, an update in the plan that changes nothing on the host.
 */
export const ADOPTED_CONTAINER_IGNORED = [
  'env',
  'labels',
  'volumes',
  'upload',
  'networks_advanced',
  'image',
  'ports',
  'network_mode',
  'log_driver',
  'log_opts',
  'healthcheck',
  'host',
  'attach',
  'logs',
  'must_run',
  'remove_volumes',
  'start',
  'wait',
  'wait_timeout',
  'destroy_grace_seconds',
  'container_read_refresh_timeout_milliseconds',
] as const;

/** Attributes of an adopted network that an import cannot match (Compose's labels, `attachable`...); all ForceNew. */
export const ADOPTED_NETWORK_IGNORED = [
  'labels',
  'driver',
  'options',
  'attachable',
  'internal',
  'ipv6',
  'ipam_config',
  'ipam_driver',
  'ipam_options',
  'ingress',
  'check_duplicate',
] as const;

/** Label on the fingerprint resource naming the container it guards (for the impact report). */
export const FINGERPRINT_ID = 'adoption-inputs';

/**
 * Imports `container` (a running container, by id) and guards the attributes it cannot compare
 * with a fingerprint of their configured values (`inputs`, read at synth time, after every
 * `addEnv`/`addUpload`/`addMount`). Returns the fingerprint resource.
 */
export function adoptContainer(
  scope: Construct,
  container: Container,
  adopted: AdoptedContainer,
  inputs: () => Record<string, unknown>,
): DataResource {
  importExisting(container, adopted.id);
  const fingerprint = withoutTerraformProbe(
    scope,
    () =>
      new DataResource(scope, FINGERPRINT_ID, {
        triggersReplace: {
          // The configuration as synthesized (literals, and references as expressions), hashed at synth.
          configuration: Lazy.stringValue({
            produce: (context) =>
              createHash('sha256')
                .update(JSON.stringify(context.resolve(inputs())))
                .digest('hex'),
          }),
          // The values behind the references (the token, an image id, a certificate), hashed by Terraform at plan.
          // Only references go through Terraform's functions: cdktf cannot pass an escaped literal "$${" through them.
          references: Lazy.anyValue({
            produce: (context) => {
              const references = referencesIn(inputs(), context);
              return references.length
                ? Fn.sha256(
                    Fn.join(
                      '\n',
                      references.map((r) => Token.asString(r)),
                    ),
                  )
                : 'none';
            },
          }),
        },
      }),
  );
  addLifecycle(container, { ignoreChanges: [...ADOPTED_CONTAINER_IGNORED], replaceTriggeredBy: [dependable(fingerprint)] });
  return fingerprint;
}

/**
 * The cdktf tokens (references to variables, resources, functions) inside a value, in order. A lazy
 * value (an nginx.conf or an env rendered at synth) is no reference: what it produces is searched.
 */
function referencesIn(value: unknown, context: IResolveContext): IResolvable[] {
  const tokens = (found: IResolvable[]) => found.flatMap((t) => (t instanceof LazyBase ? referencesIn(t.resolve(context), context) : [t]));
  if (typeof value === 'string') return tokens(Tokenization.reverseString(value).tokens);
  if (typeof value === 'number') return tokens([Tokenization.reverseNumber(value)].filter((t): t is IResolvable => t !== undefined));
  if (Tokenization.isResolvable(value)) return tokens([value]);
  if (Array.isArray(value)) return value.flatMap((v) => referencesIn(v, context));
  if (value && typeof value === 'object') return Object.values(value).flatMap((v) => referencesIn(v, context));
  return [];
}

/** Adds to a resource's lifecycle (lists are appended), for constructs that each need a part of it. */
export function addLifecycle(
  resource: TerraformResource,
  more: { readonly ignoreChanges?: readonly string[]; readonly replaceTriggeredBy?: readonly string[] },
): void {
  const current = resource.lifecycle ?? {};
  const ignore = current.ignoreChanges === 'all' ? 'all' : [...new Set([...(current.ignoreChanges ?? []), ...(more.ignoreChanges ?? [])])];
  const triggers = [...(current.replaceTriggeredBy ?? []), ...(more.replaceTriggeredBy ?? [])];
  resource.lifecycle = {
    ...current,
    ignoreChanges: ignore === 'all' || ignore.length ? ignore : undefined,
    replaceTriggeredBy: triggers.length ? triggers : undefined,
  };
}
