/**
 * Resource changes between two synths, stack by stack, read from `cdk.tf.json` as Terraform
 * would plan them without state: a resource only in the new synth is created, only in the old
 * one destroyed; otherwise each changed argument updates it in place or replaces it, per the
 * provider's schema (replacement-table.ts).
 *
 * Changed keys of env, labels, uploads, ports, mounts and maps are named; values never are
 * (an env value or an uploaded file may be a secret).
 */
import { AttributeEffect, effectOf, META_ARGUMENTS } from './replacement-table';

/**
 * A value of `cdk.tf.json` as parsed: its shape is the provider's schema, which nothing here
 * types, so it is read as Terraform reads it (a missing argument is undefined).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one untyped door: JSON read back from synth output
export type Json = any;

/** A JSON object of `cdk.tf.json` (a resource's configuration, a block). */
export type JsonObject = Record<string, Json>;

/** Parsed `cdk.tf.json` of one stack. */
export type StackJson = JsonObject;

/** `import`: an existing object taken over by an `import` block (adopted), not created. */
export type Action = 'create' | 'import' | 'update' | 'replace' | 'destroy';

/** Why a resource changes: one argument, possibly because another resource changes. */
export interface Cause {
  /** Argument name (`env`, `image`, `labels`…) or `lifecycle.replace_triggered_by`. */
  readonly attribute: string;
  /** Names of the entries that changed inside the argument (env keys, label names, files…). */
  readonly keys?: readonly string[];
  /** The resource whose replacement makes this argument unknown until apply (`docker_image.x`, `prod-pbx/tls_self_signed_cert.y`). */
  readonly via?: string;
  readonly effect: AttributeEffect;
}

export interface ResourceChange {
  readonly stack: string;
  readonly type: string;
  readonly id: string;
  action: Action;
  readonly causes: Cause[];
  /** Configuration in the old synth (undefined when created). */
  readonly before?: JsonObject;
  /** Configuration in the new synth (undefined when destroyed). */
  readonly after?: JsonObject;
}

/** `type.id` */
export function addressOf(change: Pick<ResourceChange, 'type' | 'id'>): string {
  return `${change.type}.${change.id}`;
}

/** Every resource of a stack as `type.id` → configuration. */
export function resourcesOf(json: StackJson | undefined): Map<string, { type: string; id: string; config: JsonObject }> {
  const out = new Map<string, { type: string; id: string; config: JsonObject }>();
  for (const [type, byId] of Object.entries<JsonObject>(json?.resource ?? {})) {
    for (const [id, config] of Object.entries<JsonObject>(byId)) out.set(`${type}.${id}`, { type, id, config });
  }
  return out;
}

/** Stable text of a value (sorted object keys), to compare configurations. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => k !== '//')
      .map((k) => `${JSON.stringify(k)}:${canonical((value as JsonObject)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** How entries of a list argument are identified, to name the ones that changed. */
const ENTRY_KEYS: Readonly<Record<string, (entry: Json) => string>> = {
  env: (e: string) => e.slice(0, e.includes('=') ? e.indexOf('=') : undefined),
  labels: (e) => e.label,
  upload: (e) => e.file,
  volumes: (e) => e.container_path,
  mounts: (e) => e.target,
  ports: (e) => `${e.internal}/${e.protocol ?? 'tcp'}`,
  networks_advanced: (e) => e.name,
};

/** Names of the entries of an argument that were added, removed or changed; undefined for scalars. */
export function changedKeys(attribute: string, before: unknown, after: unknown): string[] | undefined {
  const keyOf = ENTRY_KEYS[attribute];
  const entries = (value: unknown): Map<string, string> | undefined => {
    if (Array.isArray(value) && keyOf) return new Map(value.map((e) => [keyOf(e), canonical(e)]));
    if (value && typeof value === 'object' && !Array.isArray(value)) return new Map(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
    return undefined;
  };
  const a = entries(before);
  const b = entries(after);
  if ((before !== undefined && !a) || (after !== undefined && !b)) return undefined;
  const names = new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])]);
  return [...names].filter((k) => a?.get(k) !== b?.get(k)).sort();
}

/**
 * The value with every whole-string `${sensitive(X)}` read as `${X}`. Marking an expression
 * sensitive changes no value: Terraform plans it as an in-place update (the mark goes into the
 * state), never a replacement, even of an argument that forces one.
 */
export function withoutSensitiveMarks(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/^\$\{sensitive\(([\s\S]*)\)\}$/, '$${$1}');
  if (Array.isArray(value)) return value.map(withoutSensitiveMarks);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSensitiveMarks(v)]));
  return value;
}

/** What changing `attribute` from `before` to `after` does: its schema effect, or an update when only sensitive() marks changed. */
function effectOfChange(type: string, attribute: string, before: unknown, after: unknown): AttributeEffect {
  return canonical(withoutSensitiveMarks(before)) === canonical(withoutSensitiveMarks(after)) ? 'update' : effectOf(type, attribute);
}

const RANK: Readonly<Record<AttributeEffect, number>> = { update: 1, replace: 2, 'replace (assumed)': 2 };

/** Addresses (`type.id`) that a stack's `import` blocks take over. */
export function importedAddresses(json: StackJson | undefined): ReadonlySet<string> {
  return new Set(((json?.import ?? []) as { to: string }[]).map((i) => i.to));
}

/** `lifecycle.ignore_changes` of a resource's configuration (`"all"`: every argument). */
export function ignoredArguments(config: JsonObject): readonly string[] {
  const ignore = config.lifecycle?.ignore_changes;
  if (ignore === 'all') return Object.keys(config);
  return Array.isArray(ignore) ? ignore : [];
}

/** Direct changes of one stack: what its own configuration says, before consequences. */
export function diffStack(stack: string, before: StackJson | undefined, after: StackJson | undefined): ResourceChange[] {
  const old = resourcesOf(before);
  const now = resourcesOf(after);
  const imported = importedAddresses(after);
  const changes: ResourceChange[] = [];
  for (const [address, { type, id, config }] of old) {
    if (!now.has(address)) changes.push({ stack, type, id, action: 'destroy', causes: [], before: config });
  }
  for (const [address, { type, id, config }] of now) {
    const prior = old.get(address)?.config;
    if (!prior) {
      // An import block adopts the existing object; once in state, the block is a no-op.
      changes.push({ stack, type, id, action: imported.has(address) ? 'import' : 'create', causes: [], after: config });
      continue;
    }
    // Terraform plans no change for an argument the configuration says to ignore (as it stood before).
    const ignored = new Set<string>(ignoredArguments(prior));
    const attributes = [...new Set([...Object.keys(prior), ...Object.keys(config)])].filter((a) => !META_ARGUMENTS.has(a) && !ignored.has(a)).sort();
    const causes: Cause[] = attributes
      .filter((a) => canonical(prior[a]) !== canonical(config[a]))
      .map((attribute) => ({
        attribute,
        keys: changedKeys(attribute, prior[attribute], config[attribute]),
        effect: effectOfChange(type, attribute, prior[attribute], config[attribute]),
      }));
    if (causes.length === 0) continue;
    const worst = Math.max(...causes.map((c) => RANK[c.effect]));
    changes.push({ stack, type, id, action: worst === 2 ? 'replace' : 'update', causes, before: prior, after: config });
  }
  return changes;
}

/** The stronger of two actions on an existing resource (an adopted one stays adopted unless replaced). */
export function escalate(action: Action, effect: AttributeEffect): Action {
  if (action === 'create' || action === 'destroy' || action === 'replace') return action;
  if (RANK[effect] === 2) return 'replace';
  return action === 'import' ? 'import' : 'update';
}
