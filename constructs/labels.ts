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

/** Content of an env file (`custom.env`), sorted, with a header saying who writes it. */
export function envFile(env: Readonly<Record<string, string>>): string {
  return `# Written by xivo-cdktf: edit the environment file, not this file.\n${envList(env).join('\n')}\n`;
}
