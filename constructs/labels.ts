/** Docker labels as the provider wants them: a list of `{label, value}`, sorted for stable output. */
export function labelList(labels: Readonly<Record<string, string>>): { label: string; value: string }[] {
  return Object.keys(labels)
    .sort()
    .map((label) => ({ label, value: labels[label] }));
}

/** `KEY=VALUE` entries sorted by key: Docker treats env as a set, and sorted lists keep diffs small. */
export function envList(env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env)
    .sort()
    .map((key) => `${key}=${env[key]}`);
}
