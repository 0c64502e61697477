/**
 * XiVO releases: the known LTS by name or version, and a YYYY.NN version newer than the newest
 * one the catalogue knows, accepted with a warning that names what is assumed (tag rule and
 * Debian version of the newest known release).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assumedReleaseWarning, debianFor, NEWEST_RELEASE, releaseList, resolveRelease } from '../catalogue/releases';
import { synthesize } from '../main';
import { baseline, load, messagesOf, writeEnvironment } from './support/environments';

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
    expect(messagesOf({ ...baseline(), release })).toEqual([`release: is not a XiVO LTS release: write its name or version (quoted in YAML), one of ${releaseList()}`]);
  }
});

test('the Debian check applies the assumed Debian version', () => {
  const spec = baseline();
  spec.release = NEWER;
  spec.servers[0].debian = 11;
  expect(messagesOf(spec)).toEqual([`servers.0.debian: XiVO ${NEWER} runs on Debian 12, not Debian 11: upgrade the host (runbook host-prerequisites.md) or write debian: 12`]);
});

test('synth warns once per environment, naming the assumption; the runbook says it too', () => {
  const file = writeEnvironment({ ...baseline(), release: NEWER, dist: 'latest' }, 'newer');
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-release-')), 'cdktf.out');
  const warnings: string[] = [];
  const saved = process.env.XIVO_ENV_FILES;
  process.env.XIVO_ENV_FILES = file;
  try {
    synthesize(outdir, { onWarning: (w) => warnings.push(w) });
  } finally {
    if (saved === undefined) delete process.env.XIVO_ENV_FILES;
    else process.env.XIVO_ENV_FILES = saved;
  }
  const expected =
    'test-pbx: release "2025.10" is newer than the newest XiVO LTS this catalogue knows, Orion (2025.05): assuming, as for Orion, that its images are tagged ' +
    '<release>.<dist> (2025.10.latest) and that it runs on Debian 12; check both against XiVO\'s release notes and add the release to catalogue/releases.ts';
  expect(warnings.filter((w) => w.includes('newer than'))).toEqual([expected]);
  expect(assumedReleaseWarning(resolveRelease('2024.05')!, 'latest')).toBeUndefined();
  const runbook = fs.readFileSync(path.join(outdir, 'runbooks', 'test', 'host-prerequisites.md'), 'utf8');
  expect(runbook).toContain('# Host prerequisites: environment `test`, XiVO 2025.10\n');
  expect(runbook).toContain('2025.10 is newer than the newest XiVO LTS this project knows: what follows is assumed from Orion (2025.05)');
  expect(runbook).toContain('| Debian | Debian 12 ');
  const cc = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'test-cc', 'cdk.tf.json'), 'utf8'));
  expect(Object.values<any>(cc.resource.docker_image).map((i) => i.name)).toContain('xivoxc/xuc:2025.10.latest');
});
