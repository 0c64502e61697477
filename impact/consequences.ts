/**
 * Consequences of changes, as Terraform plans them: an attribute that the configuration does not
 * set (an image's `image_id`, a certificate's `cert_pem`) is unknown until apply once its resource
 * is replaced or created, so every argument referencing it changes too, and replaces its resource
 * when the argument forces replacement. That is how a new image, a renewed certificate (the
 * `org.xivo.input.*` label of nginx) or a rebuilt truststore (`replace_triggered_by`) reach the
 * containers that use them. Stacks are followed through their cross-stack outputs: a stack that
 * reads a replaced resource of another stack changes when it is deployed after that one.
 */
import { addressOf, canonical, Cause, changedKeys, escalate, ignoredArguments, JsonObject, ResourceChange, resourcesOf, StackJson } from './changes';
import { effectOf, META_ARGUMENTS } from './replacement-table';

/** `${type.id.attribute}` references inside a value (any depth, nested interpolations included). */
const RESOURCE_REF = /(?<![\w.-])([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([a-z0-9_]+))?/g;
/** cdktf's cross-stack reads: `data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<name>`. */
const REMOTE_REF = /data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9_-]+?)\.outputs\.([A-Za-z0-9_-]+)/g;

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

interface Reference {
  readonly stack: string;
  readonly address: string;
  /** Undefined for a whole-resource reference (`replace_triggered_by`). */
  readonly attribute?: string;
}

function referencesIn(stack: string, value: unknown, after: ReadonlyMap<string, StackJson>): Reference[] {
  const refs: Reference[] = [];
  for (const text of stringsIn(value)) {
    for (const m of text
      .replace(REMOTE_REF, (_, producer: string, output: string) => {
        // The output's own references, in the producing stack.
        const expression = after.get(producer)?.output?.[output]?.value;
        refs.push(...referencesIn(producer, expression, after));
        return '';
      })
      .matchAll(RESOURCE_REF)) {
      if (m[1] === 'terraform_remote_state') continue;
      refs.push({ stack, address: `${m[1]}.${m[2]}`, attribute: m[3] });
    }
  }
  return refs;
}

/**
 * Adds to `changes` every resource that changes because of another one, to a fixed point.
 * @param after the new synth's stacks by name (references are read from it)
 * @param before the old synth's stacks by name (to name what changed behind a trigger) @default none
 */
export function followConsequences(
  changes: ResourceChange[],
  after: ReadonlyMap<string, StackJson>,
  before: ReadonlyMap<string, StackJson> = new Map(),
): ResourceChange[] {
  const key = (stack: string, address: string) => `${stack}/${address}`;
  const byKey = new Map(changes.map((c) => [key(c.stack, addressOf(c)), c]));
  const direct = new Map(changes.map((c) => [c, [...c.causes]]));
  /** The change making a reference unknown until apply, if any. */
  const unknownVia = (ref: Reference): ResourceChange | undefined => {
    const upstream = byKey.get(key(ref.stack, ref.address));
    if (!upstream || (upstream.action !== 'replace' && upstream.action !== 'create')) return undefined;
    // A configured argument keeps its (known) value; only provider-computed attributes are unknown.
    return ref.attribute && upstream.after && ref.attribute in upstream.after ? undefined : upstream;
  };
  const via = (from: string, upstream: ResourceChange) => (upstream.stack === from ? addressOf(upstream) : key(upstream.stack, addressOf(upstream)));
  // Same-stack causes first, then by address: the reason shown does not depend on discovery order.
  const preferred = (from: string, upstreams: ResourceChange[]) =>
    upstreams.sort(
      (a, b) => Number(a.stack !== from) - Number(b.stack !== from) || key(a.stack, addressOf(a)).localeCompare(key(b.stack, addressOf(b))),
    )[0];

  /** Causes that other changes give a resource, with the changes known so far. */
  const consequencesOf = (stack: string, address: string, type: string, config: JsonObject): Cause[] => {
    const causes: Cause[] = [];
    // Terraform does not compare an ignored argument, even when its value becomes unknown.
    const ignored = new Set(ignoredArguments(config));
    for (const [attribute, value] of Object.entries(config)) {
      if (META_ARGUMENTS.has(attribute) || ignored.has(attribute)) continue;
      const upstreams = referencesIn(stack, value, after)
        .filter((r) => r.attribute)
        .map(unknownVia)
        .filter((u): u is ResourceChange => !!u);
      if (upstreams.length === 0) continue;
      const upstream = preferred(stack, upstreams);
      causes.push({ attribute, via: via(stack, upstream), effect: effectOf(type, attribute), keys: keysReferencing(attribute, value, upstream) });
    }
    // Terraform replaces on an update or replacement of the referenced resource, never on its creation.
    const triggers = referencesIn(stack, config.lifecycle?.replace_triggered_by ?? [], after)
      .map((r) => byKey.get(key(r.stack, r.address)))
      .filter((u): u is ResourceChange => !!u && (u.action === 'replace' || u.action === 'update'));
    if (triggers.length) {
      const trigger = via(stack, preferred(stack, triggers));
      // An adopted container: the trigger is the fingerprint of its ignored arguments; name the ones that changed.
      const prior = resourcesOf(before.get(stack)).get(address)?.config;
      const shadowed = prior ? [...ignored].filter((a) => canonical(prior[a]) !== canonical(config[a])).sort() : [];
      if (shadowed.length) {
        for (const attribute of shadowed)
          causes.push({ attribute, keys: changedKeys(attribute, prior![attribute], config[attribute]), via: trigger, effect: 'replace' });
      } else {
        causes.push({ attribute: 'lifecycle.replace_triggered_by', via: trigger, effect: 'replace' });
      }
    }
    return causes;
  };

  for (let changed = true; changed;) {
    changed = false;
    for (const [stack, json] of after) {
      for (const [address, { type, id, config }] of resourcesOf(json)) {
        const existing = byKey.get(key(stack, address));
        if (existing?.action === 'create') continue;
        const causes = consequencesOf(stack, address, type, config);
        if (causes.length === 0) continue;
        let change = existing;
        if (!change) {
          change = { stack, type, id, action: 'update', causes: [], before: config, after: config };
          changes.push(change);
          byKey.set(key(stack, address), change);
          direct.set(change, []);
        }
        const action = causes.reduce((a, c) => escalate(a, c.effect), change.action);
        const all = [...direct.get(change)!, ...causes];
        if (action !== change.action || all.length !== change.causes.length || all.some((c, i) => c.via !== change!.causes[i].via)) {
          change.action = action;
          change.causes.splice(0, change.causes.length, ...all);
          changed = true;
        }
      }
    }
  }
  return changes;
}

/** Entries of a list or map argument whose text references the upstream resource (a label, an upload…). */
function keysReferencing(attribute: string, value: unknown, upstream: ResourceChange): string[] | undefined {
  const marker = `${upstream.type}.${upstream.id}`;
  const without = JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'string' && v.includes(marker) ? `${v}\u0000` : v)));
  const keys = changedKeys(attribute, value, without);
  return keys?.length ? keys : undefined;
}
