/**
 * What synth says, and how often. Each construct annotates where it is (`<stack>/<path>: message`);
 * the same sentence from several stacks or environments is one finding, printed once with the
 * list of places. Warnings are about the operator's file (a risky setting); notes are facts of the
 * platform that hold wherever they apply (an inferred catalogue fact), short, one line each.
 * The last line says what was written and where.
 */

/** A warning or note as synth reports it: `<place>: <message>`, the place a construct path or `docs/<env>`. */
export type SynthMessage = string;

interface Finding {
  readonly message: string;
  readonly places: string[];
}

/** Groups `place: message` strings by message, in the order each message first appears. */
function group(messages: readonly SynthMessage[], placeOf: (place: string) => string): Finding[] {
  const byMessage = new Map<string, Finding>();
  for (const m of messages) {
    const cut = m.indexOf(': ');
    const [place, message] = cut < 0 ? ['', m] : [placeOf(m.slice(0, cut)), m.slice(cut + 2)];
    const finding = byMessage.get(message) ?? { message, places: [] };
    if (place && !finding.places.includes(place)) finding.places.push(place);
    byMessage.set(message, finding);
  }
  return [...byMessage.values()];
}

const line = (kind: string, f: Finding) => `${kind}: ${f.places.length ? `${f.places.join(', ')}: ` : ''}${f.message}`;

/**
 * The lines synth prints on stderr: each distinct warning once, with every construct path it
 * applies to; then each distinct note once, with the stacks it applies to.
 */
export function reportLines(warnings: readonly SynthMessage[], notes: readonly SynthMessage[] = []): string[] {
  return [
    ...group(warnings, (place) => place).map((f) => line('warning', f)),
    // A note is about a whole stack's deployment: the stack names are place enough.
    ...group(notes, (place) => place.split('/')[0]).map((f) => line('note', f)),
  ];
}

/**
 * The messages synth prints itself. Under the cdktf CLI (`cdktf synth`, `cdktf diff`: it runs the
 * app with CDKTF_CONTEXT_JSON set), the CLI prints the constructs' annotations from the manifest
 * (`WARN [<stack>/<path>]`): synth then leaves out the messages of constructs (`<stack>/...: ` or
 * `<stack>: `), so that each is printed once, and keeps the others (the environment file's own
 * warnings, skipped files, the topology's).
 */
export function shownBySynth(messages: readonly SynthMessage[], stacks: readonly string[], env: NodeJS.ProcessEnv = process.env): SynthMessage[] {
  if (env.CDKTF_CONTEXT_JSON === undefined) return [...messages];
  return messages.filter((m) => !stacks.some((s) => m.startsWith(`${s}/`) || m.startsWith(`${s}: `)));
}

export interface WrittenSummary {
  /** Output directory as given (relative stays relative). */
  readonly outdir: string;
  /** Stack names, in synth order. */
  readonly stacks: readonly string[];
  /** Environment names, in synth order. */
  readonly environments: readonly string[];
  /** Environments whose output came from the synth cache. @default 0 */
  readonly fromCache?: number;
}

/** The last line of synth: what was written, and where. */
export function writtenLine(s: WrittenSummary): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const dir = s.outdir.replace(/\/+$/, '');
  const cached = s.fromCache ? `; ${plural(s.fromCache, 'environment')} unchanged, from the cache` : '';
  return (
    `Wrote ${plural(s.stacks.length, 'stack')} into ${dir}/stacks (${s.stacks.join(', ')}), and for ${s.environments.join(', ')} ` +
    `the runbooks into ${dir}/runbooks/<env> and the topology (topology.svg) and firewall matrix (flows.md, flows.csv) into ${dir}/docs/<env>${cached}`
  );
}
