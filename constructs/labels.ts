/** Docker labels as the provider writes them (synth output, state): a list of `{label, value}`. */
export type LabelList = readonly { readonly label: string; readonly value: string }[];

/** Docker labels as the provider wants them: a list of `{label, value}`, sorted for stable output. */
export function labelList(labels: Readonly<Record<string, string>>): { label: string; value: string }[] {
  return Object.keys(labels)
    .sort()
    .map((label) => ({ label, value: labels[label] }));
}

/** The labels of a provider's list (labelList's inverse), by name; none when the list is absent. */
export function labelRecord(list: LabelList | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((l) => [l.label, l.value]));
}

/** `KEY=VALUE` entries sorted by key: Docker treats env as a set, and sorted lists keep diffs small. */
export function envList(env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env)
    .sort()
    .map((key) => `${key}=${env[key]}`);
}
