/**
 * The impact of a change on a deployed estate, per environment and server: which containers
 * restart and why, what users notice, which data volumes are at risk, and the exit code CI
 * labels the merge request with (0: no maintenance window, 2: something restarts, 3: data loss).
 */
import { HOST_FILE_EFFECT, JOB_EFFECT, SERVICE_EFFECTS, UNKNOWN_EFFECT } from '../catalogue/service-effects';
import { isServiceId } from '../catalogue/types';
import { LabelList, labelRecord } from '../constructs/labels';
import { Action, addressOf, Cause, diffStack, JsonObject, ResourceChange, StackJson } from './changes';
import { followConsequences } from './consequences';
import type { InputNotCompared } from './inputs';

export const EXIT_NO_WINDOW = 0;
export const EXIT_RESTARTS = 2;
export const EXIT_DATA_LOSS = 3;

export type ContainerKind = 'service' | 'host-file' | 'job';

/** A container that is replaced, removed or created. */
export interface ContainerImpact {
  /** Docker container name (`xivocc-xuc`). */
  readonly container: string;
  /** Service name (`xuc`), host path of a host file, or job name. */
  readonly service: string;
  readonly kind: ContainerKind;
  readonly action: Action;
  /** Why, one line per cause: `env LOGIN_TIMEOUT_MS`, `image (docker_image.… replaced)`. Names only, never values. */
  readonly why: readonly string[];
  /** What users notice while it restarts. */
  readonly effect: string;
  readonly address: string;
}

/** A data volume that the plan would delete. */
export interface DataLossRisk {
  readonly stack: string;
  readonly server: string;
  /** Docker volume name. */
  readonly volume: string;
  readonly address: string;
  readonly action: 'replace' | 'destroy';
  readonly why: readonly string[];
  /** True when `lifecycle.prevent_destroy` is set: Terraform refuses the plan instead of deleting. */
  readonly preventDestroy: boolean;
  /** Volumes created in the same stack by this change (the likely new name of a renamed volume). */
  readonly createdInStack: readonly string[];
}

/** Any other resource change (images, certificates, networks, in-place updates). */
export interface OtherChange {
  readonly address: string;
  readonly path?: string;
  readonly action: Action;
  readonly why: readonly string[];
}

export interface StackImpact {
  readonly stack: string;
  readonly environment: string;
  readonly server: string;
  readonly containers: readonly ContainerImpact[];
  readonly others: readonly OtherChange[];
}

export interface EnvironmentImpact {
  readonly name: string;
  readonly stacks: readonly StackImpact[];
  /** Service containers replaced (helpers and jobs are not counted). */
  readonly containersReplaced: number;
  /** Running service containers taken over (import blocks): not restarted. */
  readonly containersAdopted: number;
  readonly containersRemoved: number;
  readonly serversAffected: number;
  /** Names of the replaced services, sorted, each once. */
  readonly servicesReplaced: readonly string[];
  readonly dataVolumesAtRisk: number;
  /** The environment has no stack at the base: a new deployment, every container created. */
  readonly added: boolean;
  /** Service containers created. */
  readonly containersCreated: number;
  /** `prod: 2 containers replaced on 2 servers (xuc, nginx), 0 data volumes at risk` */
  readonly summary: string;
}

export interface ImpactReport {
  /** What was compared: `<base ref> → working tree`. */
  readonly compared: string;
  /** Shown first: volumes whose data the plan would delete. */
  readonly dataLoss: readonly DataLossRisk[];
  readonly environments: readonly EnvironmentImpact[];
  /** Environment files of the working tree that the base does not have (new environments). */
  readonly addedFiles: readonly string[];
  /** Input files named by the environments that could not be compared, and why. */
  readonly notCompared: readonly InputNotCompared[];
  readonly exitCode: number;
}

/** What the comparison knows besides the two synths. */
export interface ImpactContext {
  /** @default none */
  readonly notCompared?: readonly InputNotCompared[];
  /** @default none */
  readonly addedFiles?: readonly string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const labelsOf = (config: JsonObject | undefined) => labelRecord(config?.labels as LabelList | undefined);

/**
 * Environment and server of a stack, from its network's labels (stack names may contain '-'); a
 * server's key stack has no network: its containers' labels say the same.
 */
function placeOf(stack: string, json: StackJson | undefined): { environment: string; server: string } {
  const labelled = [
    ...Object.values<JsonObject>(json?.resource?.docker_network ?? {}),
    ...Object.values<JsonObject>(json?.resource?.docker_container ?? {}),
  ];
  const labels = labelsOf(labelled.find((r) => labelsOf(r)['org.xivo.environment']));
  const dash = stack.indexOf('-');
  return {
    environment: labels['org.xivo.environment'] ?? (dash > 0 ? stack.slice(0, dash) : stack),
    server: labels['org.xivo.server'] ?? (dash > 0 ? stack.slice(dash + 1) : stack),
  };
}

/** Finds the change a cause's `via` names. */
type Upstream = (via: string) => ResourceChange | undefined;

function describeCause(cause: Cause, changes: Upstream): string {
  if (cause.via) {
    const upstream = changes(cause.via);
    const what = upstream ? ((upstream.after ?? upstream.before)?.['//']?.metadata?.path ?? cause.via) : cause.via;
    const verb = upstream?.action === 'create' ? 'created' : 'replaced';
    const attribute = cause.attribute === 'lifecycle.replace_triggered_by' ? 'replace_triggered_by' : cause.attribute;
    return `${attribute}${cause.keys?.length ? ` ${cause.keys.join(', ')}` : ''} (${what} ${verb})`;
  }
  const assumed = cause.effect === 'replace (assumed)' ? ' (not in the replacement table: assumed to force replacement)' : '';
  return `${cause.attribute}${cause.keys?.length ? ` ${cause.keys.join(', ')}` : ''}${assumed}`;
}

function containerImpact(change: ResourceChange, changes: Upstream): ContainerImpact {
  const config = change.after ?? change.before ?? {};
  const labels = labelsOf(config);
  const hostFile = labels['org.xivo.host-file'];
  const job = labels['org.xivo.job'];
  const kind: ContainerKind = hostFile ? 'host-file' : job ? 'job' : 'service';
  const serviceId = `${labels['org.xivo.role']}.${labels['org.xivo.service']}`;
  const serviceEffect = isServiceId(serviceId) ? SERVICE_EFFECTS[serviceId] : undefined;
  const effect = kind === 'host-file' ? HOST_FILE_EFFECT : kind === 'job' ? JOB_EFFECT : (serviceEffect ?? UNKNOWN_EFFECT);
  return {
    container: String(config.name ?? change.id),
    service: hostFile ?? job ?? labels['org.xivo.service'] ?? String(config.name ?? change.id),
    kind,
    action: change.action,
    why: whyOf(change, changes),
    effect:
      change.action === 'create'
        ? 'new service: nothing stops'
        : change.action === 'import'
          ? 'adopted: keeps running, not restarted'
          : change.action === 'update'
            ? 'updated in place: no restart'
            : effect,
    address: addressOf(change),
  };
}

/** The causes that name nothing: written as prose in the Markdown, every other cause as a code span. */
export const PLAIN_CAUSES = {
  created: 'new in this change',
  adopted: 'adopted: imported from the running installation',
  removed: 'removed by this change',
} as const;

function whyOf(change: ResourceChange, changes: Upstream): string[] {
  if (change.action === 'create') return [PLAIN_CAUSES.created];
  if (change.action === 'import' && change.causes.length === 0) return [PLAIN_CAUSES.adopted];
  if (change.action === 'destroy') return [PLAIN_CAUSES.removed];
  return change.causes.map((c) => describeCause(c, changes));
}

/** Compares two synths (stack name → `cdk.tf.json`) and builds the report. */
export function buildImpactReport(
  before: ReadonlyMap<string, StackJson>,
  after: ReadonlyMap<string, StackJson>,
  compared: string,
  context: ImpactContext = {},
): ImpactReport {
  const stackNames = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes = followConsequences(
    stackNames.flatMap((s) => diffStack(s, before.get(s), after.get(s))),
    after,
    before,
  );
  const byKey = new Map(changes.map((c) => [`${c.stack}/${addressOf(c)}`, c]));
  // Cause.via is `type.id` in the same stack, or `stack/type.id` across stacks.
  const lookup =
    (stack: string): Upstream =>
    (via) =>
      byKey.get(via.includes('/') ? via : `${stack}/${via}`);

  const dataLoss: DataLossRisk[] = [];
  const stacks: StackImpact[] = [];
  for (const stack of stackNames) {
    const own = changes.filter((c) => c.stack === stack).sort((a, b) => addressOf(a).localeCompare(addressOf(b)));
    const place = placeOf(stack, after.get(stack) ?? before.get(stack));
    const known = lookup(stack);
    const containers: ContainerImpact[] = [];
    const others: OtherChange[] = [];
    for (const change of own) {
      if (change.type === 'docker_container') containers.push(containerImpact(change, known));
      else
        others.push({
          address: addressOf(change),
          path: (change.after ?? change.before)?.['//']?.metadata?.path,
          action: change.action,
          why: whyOf(change, known),
        });
      if (change.type === 'docker_volume' && (change.action === 'destroy' || change.action === 'replace')) {
        dataLoss.push({
          stack,
          server: place.server,
          volume: String(change.before?.name ?? change.id),
          address: addressOf(change),
          action: change.action,
          why: whyOf(change, known),
          preventDestroy: change.before?.lifecycle?.prevent_destroy === true,
          createdInStack: own.filter((c) => c.type === 'docker_volume' && c.action === 'create').map((c) => String(c.after?.name ?? c.id)),
        });
      }
    }
    stacks.push({ stack, ...place, containers, others });
  }

  const environments = [...new Set(stacks.map((s) => s.environment))].sort().map((name) => {
    const own = stacks.filter((s) => s.environment === name);
    return environmentImpact(
      name,
      own,
      dataLoss,
      own.every((s) => !before.has(s.stack)),
    );
  });
  const restarts = stacks.some(
    (s) =>
      s.containers.some((c) => c.kind === 'service' && (c.action === 'replace' || c.action === 'destroy')) ||
      s.others.some((o) => o.address.startsWith('docker_network.') && (o.action === 'replace' || o.action === 'destroy')),
  );
  // A new environment starts a whole platform, often on servers taken over (runbook takeover.md):
  // what ran there stops. That needs a maintenance window as much as a restart does, unless every
  // container of it is adopted as it runs (an environment file written by discover).
  const added = environments.some((e) => e.added && e.containersCreated > 0);
  return {
    compared,
    dataLoss,
    environments,
    addedFiles: [...(context.addedFiles ?? [])],
    notCompared: [...(context.notCompared ?? [])],
    exitCode: dataLoss.length ? EXIT_DATA_LOSS : restarts || added ? EXIT_RESTARTS : EXIT_NO_WINDOW,
  };
}

function environmentImpact(name: string, stacks: StackImpact[], dataLoss: readonly DataLossRisk[], added: boolean): EnvironmentImpact {
  const services = stacks.flatMap((s) => s.containers.filter((c) => c.kind === 'service').map((c) => ({ ...c, stack: s.stack })));
  const created = services.filter((c) => c.action === 'create');
  const replaced = services.filter((c) => c.action === 'replace');
  const removed = services.filter((c) => c.action === 'destroy');
  const adopted = services.filter((c) => c.action === 'import');
  const names = [...new Set(replaced.map((c) => c.service))].sort();
  const serverOf = new Map(stacks.map((s) => [s.stack, s.server]));
  const servers = new Set(replaced.map((c) => serverOf.get(c.stack))).size;
  const atRisk = dataLoss.filter((d) => stacks.some((s) => s.stack === d.stack)).length;
  const unchanged = stacks.every((s) => s.containers.length === 0 && s.others.length === 0);
  const summary = added
    ? `${name}: new environment, ${plural(created.length, 'container')} created` +
      `${adopted.length ? `, ${plural(adopted.length, 'container')} adopted without restart` : ''} on ${plural(new Set(stacks.map((s) => s.server)).size, 'server')}`
    : unchanged
      ? `${name}: no change`
      : `${name}: ${plural(replaced.length, 'container')} replaced${replaced.length ? ` on ${plural(servers, 'server')} (${names.join(', ')})` : ''}` +
        `${removed.length ? `, ${plural(removed.length, 'container')} removed` : ''}` +
        `${adopted.length ? `, ${plural(adopted.length, 'container')} adopted without restart` : ''}, ${plural(atRisk, 'data volume')} at risk`;
  return {
    name,
    stacks: stacks.filter((s) => s.containers.length || s.others.length),
    containersReplaced: replaced.length,
    containersAdopted: adopted.length,
    containersRemoved: removed.length,
    serversAffected: servers,
    servicesReplaced: names,
    dataVolumesAtRisk: atRisk,
    added,
    containersCreated: created.length,
    summary,
  };
}
