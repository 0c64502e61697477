/**
 * The impact report synthesizes trees whose code nobody reviewed yet (a merge request's
 * `scripts/build.js`, its `synth/`). Their synth runs in a scrubbed environment: a planted build
 * script that tries to read IMPACT_API_TOKEN or a deploy variable finds nothing (issue 19).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scrubbedEnvironment, synthesizeTree, SYNTH_ENVIRONMENT } from '../../impact/synth-at-ref';

const SECRETS = {
  IMPACT_API_TOKEN: 'glpat-planted-test-token',
  TF_VAR_play_auth_token: 'deploy-variable-value',
  CI_JOB_TOKEN: 'job-token-value',
  GITHUB_TOKEN: 'ghs_github-token-value',
  AWS_SECRET_ACCESS_KEY: 'state-backend-secret',
};

test("a merge request's planted build script reads no token and no deploy variable during the impact synth", () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-impact-planted-'));
  const leak = path.join(tree, 'leaked.json');
  // What one added line in scripts/build.js did: write the environment to a file.
  fs.mkdirSync(path.join(tree, 'scripts'));
  fs.writeFileSync(
    path.join(tree, 'scripts', 'build.js'),
    `require('fs').writeFileSync(${JSON.stringify(leak)}, JSON.stringify(process.env));\n` +
      "require('fs').mkdirSync('cdktf.out/stacks', { recursive: true });\n",
  );
  fs.writeFileSync(path.join(tree, 'package.json'), JSON.stringify({ name: 'planted', private: true, scripts: { synth: 'node scripts/build.js' } }));
  const saved = { ...process.env };
  Object.assign(process.env, SECRETS);
  try {
    expect(synthesizeTree(tree, 'the planted tree').size).toBe(0);
  } finally {
    for (const name of Object.keys(SECRETS)) if (saved[name] === undefined) delete process.env[name];
  }
  const seen = JSON.parse(fs.readFileSync(leak, 'utf8')) as Record<string, string>;
  const text = JSON.stringify(seen);
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(seen[name]).toBeUndefined();
    expect(text).not.toContain(value);
  }
  // What it does see: PATH and HOME (npm needs them) and what synth reads, nothing else of ours.
  expect(seen.PATH.endsWith(process.env.PATH!)).toBe(true); // npm puts node_modules/.bin first
  const ours = Object.keys(seen).filter((k) => !k.startsWith('npm_') && !['NODE', 'INIT_CWD', 'COLOR', 'EDITOR', 'PWD', 'SHLVL', '_'].includes(k));
  expect(ours.filter((k) => !SYNTH_ENVIRONMENT.includes(k) && !['CHECKPOINT_DISABLE', 'CDKTF_OUTDIR'].includes(k))).toEqual([]);
  fs.rmSync(tree, { recursive: true, force: true });
});

test('the scrubbed environment keeps only the listed variables', () => {
  expect(scrubbedEnvironment({ PATH: '/bin', HOME: '/root', IMPACT_API_TOKEN: 'x', XIVO_ENV_FILES: 'a.yaml', CI_JOB_TOKEN: 'y' })).toEqual({
    PATH: '/bin',
    HOME: '/root',
    XIVO_ENV_FILES: 'a.yaml',
  });
});
