/**
 * XiVO releases: the known LTS by name or version, and a YYYY.NN version newer than the newest
 * one the catalogue knows, accepted with a warning that names what is assumed (tag rule and
 * Debian version of the newest known release).
 */
import { Testing } from '../constructs/terraform-cdk';
import { assumedReleaseWarning, debianFor, NEWEST_RELEASE, releaseList, resolveRelease } from '../catalogue/releases';
import { Runbook } from '../constructs/runbook';
import { buildEnvironment } from '../stacks/platform';
import { baseline, load, messagesOf } from './support/environments';
import { Template } from './support/template';

const NEWER = '2025.10';

test('the newest known LTS is Orion (2025.05)', () => {
  expect(NEWEST_RELEASE).toEqual({ name: 'Orion', version: '2025.05' });
});

test.each([
  ['Orion', { release: { name: 'Orion', version: '2025.05' } }],
  ['2024.05', { release: { name: 'Maia', version: '2024.05' } }],
  [NEWER, { release: { name: NEWER, version: NEWER }, assumedFrom: NEWEST_RELEASE }],
  ['2030.05', { release: { name: '2030.05', version: '2030.05' }, assumedFrom: NEWEST_RELEASE }],
  ['2019.01', undefined],
  ['Phoenix', undefined],
  ['2025.1', undefined],
])('resolveRelease(%s)', (given, expected) => {
  expect(resolveRelease(given)).toEqual(expected);
});

test('a newer release is accepted and images are tagged with its version', () => {
  const env = load({ ...baseline(), release: NEWER });
  expect(env.release).toBe(NEWER);
  expect(debianFor(resolveRelease(NEWER)!.release)).toBe(12);
});

test('an older unknown release and an unknown name are still refused with the list', () => {
  for (const release of ['2019.01', 'Phoenix']) {
    expect(messagesOf({ ...baseline(), release })).toEqual([
      `release: is not a XiVO LTS release: write its name or version (quoted in YAML), one of ${releaseList()}`,
    ]);
  }
});

test('the Debian check applies the assumed Debian version', () => {
  const spec = baseline();
  spec.release = NEWER;
  spec.servers[0].debian = 11;
  expect(messagesOf(spec)).toEqual([
    `servers.0.debian: XiVO ${NEWER} runs on Debian 12, not Debian 11: upgrade the host (runbook host-prerequisites.md) or write debian: 12`,
  ]);
});

test('synth warns once per environment, naming the assumption; the runbook says it too', () => {
  const app = Testing.app();
  const stacks = buildEnvironment(app, load({ ...baseline(), release: NEWER, dist: 'latest' }));
  const warnings = stacks.flatMap((stack) => Template.fromStack(stack).warnings());
  const expected =
    'test-pbx: release "2025.10" is newer than the newest XiVO LTS this catalogue knows, Orion (2025.05): assuming, as for Orion, that its images are tagged ' +
    "<release>.<dist> (2025.10.latest) and that it runs on Debian 12; check both against XiVO's release notes and add the release to catalogue/releases.ts";
  expect(warnings.filter((w) => w.includes('newer than'))).toEqual([expected]);
  expect(assumedReleaseWarning(resolveRelease('2024.05')!, 'latest')).toBeUndefined();
  const runbook = Runbook.all(app).find((r) => r.relativePath === 'runbooks/test/host-prerequisites.md')!.content;
  expect(runbook).toContain('# Host prerequisites: environment `test`, XiVO 2025.10\n');
  expect(runbook).toContain('2025.10 is newer than the newest XiVO LTS this project knows: what follows is assumed from Orion (2025.05)');
  expect(runbook).toContain('| Debian | Debian 12 ');
  Template.fromStack(stacks[1]).hasResourceProperties('docker_image', { name: 'xivoxc/xuc:2025.10.latest' });
});
