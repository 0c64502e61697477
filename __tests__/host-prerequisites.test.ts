/** Host prerequisites per XiVO release: the catalogue facts and the runbook of every bundled environment. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { debianFor, findRelease } from '../catalogue/releases';
import { synthEnvironments, SynthOutput } from './support/synth';

let out: SynthOutput;
beforeAll(() => {
  out = synthEnvironments();
});
afterAll(() => fs.rmSync(path.dirname(out.outdir), { recursive: true, force: true }));

const specs = fs
  .readdirSync('environments')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(fs.readFileSync(path.join('environments', f), 'utf8')));

test.each([
  ['Izar', 11],
  ['Luna', 11],
  ['Maia', 12],
  ['Orion', 12],
  ['Helios', undefined],
])('%s installs on Debian %s', (name, debian) => {
  expect(debianFor(findRelease(name)!)).toBe(debian);
});

test.each(specs.map((s) => [s.name, s] as const))('%s: host-prerequisites.md names the release, Debian, overlay2, XFS ftype=1 and every server', (name, spec) => {
  const text = out.files().get(`runbooks/${name}/host-prerequisites.md`)!;
  const release = findRelease(spec.release)!;
  expect(text).toContain(`XiVO ${release.name} (${release.version})`);
  expect(text).toContain(`Debian ${debianFor(release)}`);
  expect(text).toContain('`overlay2`');
  expect(text).toContain('`ftype=1`');
  for (const server of spec.servers) expect(text).toContain(`| \`${server.name}\` | \`${server.docker.host}\` |`);
});

test('prod states Debian 12 for its PBX', () => {
  expect(out.files().get('runbooks/prod/host-prerequisites.md')).toContain('| `pbx` | `ssh://deploy@10.20.0.10` | xivo | 12 |');
});
