/**
 * Forms Terraform accepts that no snapshot can tell from the ones it refuses, found by the real
 * deploys of the end-to-end suite and pinned here so the fast suite catches them.
 */
import { synthEnvironments } from '../support/synth';

const out = synthEnvironments();

/** Every value of `key` anywhere under `value`, with the path that leads to it. */
function valuesOf(value: unknown, key: string, where = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => valuesOf(v, key, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(k === key ? [[`${where}.${k}`, v] as [string, unknown]] : []),
      ...valuesOf(v, key, `${where}.${k}`),
    ]);
  }
  return [];
}

describe.each(out.stacks)('%s', (stack) => {
  // Terraform's JSON syntax reads these as bare references: "${docker_container.x}" is refused at
  // init ("A single static variable reference is required"), which is what `fqn` renders to.
  test.each(['depends_on', 'replace_triggered_by'])('every %s entry is a bare resource reference', (key) => {
    const entries = valuesOf(out.json(stack), key).flatMap(([where, list]) => (list as string[]).map((ref) => [where, ref]));
    for (const [where, ref] of entries) expect({ where, ref }).toEqual({ where, ref: expect.stringMatching(/^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+$/) });
  });
});

test('the bundled environments use depends_on and replace_triggered_by (the rule above is not vacuous)', () => {
  const all = out.stacks.flatMap((s) => [...valuesOf(out.json(s), 'depends_on'), ...valuesOf(out.json(s), 'replace_triggered_by')]);
  expect(all.length).toBeGreaterThanOrEqual(5);
});

describe('values in the form the Docker provider reads back (else every plan shows a change)', () => {
  const containers = out.stacks.flatMap((stack) =>
    Object.entries<any>(out.json(stack).resource?.docker_container ?? {}).map(([id, c]) => [`${stack}/${id}`, c] as const),
  );

  test('health check durations are Go durations ("1m0s", not "60s")', () => {
    const durations = containers.flatMap(([where, c]) =>
      c.healthcheck ? ['interval', 'timeout', 'start_period'].map((k) => ({ where, k, v: c.healthcheck[k] })) : [],
    );
    expect(durations.length).toBeGreaterThan(10);
    for (const d of durations) expect(d).toEqual({ ...d, v: expect.stringMatching(/^(\d+h)?((\d+m)?\d+s)$/) });
    expect(durations.filter((d) => d.k === 'start_period').map((d) => d.v)).toContain('1m0s');
  });

  test('a container with a memory limit sets memory_swap to Docker default, twice the limit', () => {
    const limited = containers.filter(([, c]) => c.memory !== undefined);
    expect(limited.length).toBeGreaterThan(3);
    for (const [where, c] of limited) expect({ where, swap: c.memory_swap }).toEqual({ where, swap: c.memory * 2 });
  });
});

describe('generated files are Terraform literals (their own "${" would be read as an interpolation)', () => {
  // The only "${…}" our uploads may hold are the references and functions we put there ourselves.
  const OURS =
    /^\$\{(var\.|jsonencode\(|join\(|trimspace\(|file\(|filebase64\(|sensitive\(|sha256\(|base64encode\(|docker_|tls_|local_|data\.terraform_remote_state\.)/;

  test.each(out.stacks)('%s: every "${" in an uploaded file is one of our references', (stack) => {
    const uploads = Object.entries<any>(out.json(stack).resource?.docker_container ?? {}).flatMap(([id, c]) =>
      (c.upload ?? []).filter((u: any) => u.content).map((u: any) => [`${id}:${u.file}`, u.content as string] as const),
    );
    for (const [where, content] of uploads) {
      const strays = [...content.matchAll(/(?<!\$)\$\{[^}]{0,40}/g)].map((m) => m[0]).filter((m) => !OURS.test(m));
      expect({ where, strays }).toEqual({ where, strays: [] });
    }
  });
});

describe('data volumes survive changes of their labels (a label change would replace, i.e. empty, a volume)', () => {
  test.each(out.stacks)('%s: every docker_volume ignores label changes; data volumes are protected', (stack) => {
    for (const [id, v] of Object.entries<any>(out.json(stack).resource?.docker_volume ?? {})) {
      expect({ id, ignored: v.lifecycle?.ignore_changes }).toEqual({ id, ignored: expect.arrayContaining(['labels']) });
    }
  });
});
