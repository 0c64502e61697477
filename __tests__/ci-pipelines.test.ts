/**
 * The CI pipelines of docs/ci/ keep deploy secrets out of reach of unreviewed code (issue 19):
 * each rule of docs/ci/README.md, checked on the parsed YAML, job by job.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const CI = path.join(__dirname, '..', 'docs', 'ci');
const read = (file: string) => fs.readFileSync(path.join(CI, file), 'utf8');
type Job = Record<string, any>; // parsed YAML

/** Every shell line of a job (script, or every step's run). */
function shellOf(job: Job): string[] {
  const scripts = [job.script, ...(job.steps ?? []).map((s: Job) => s.run)].flat().filter((s): s is string => typeof s === 'string');
  return scripts.flatMap((s) => s.split('\n')).map((l) => l.trim());
}
const texts = (job: Job) => JSON.stringify(job);

describe('GitLab (docs/ci/gitlab-ci.yml)', () => {
  const pipeline = parse(read('gitlab-ci.yml')) as Job;
  const jobs = Object.fromEntries(Object.entries(pipeline).filter(([, v]) => v && typeof v === 'object' && 'stage' in v)) as Record<string, Job>;
  const mrJobs = Object.entries(jobs).filter(([, j]) => JSON.stringify(j.rules ?? 'always').includes('merge_request_event') || !j.rules);
  const untrusted = ['test', 'impact'];

  test('the jobs are the ones of the README table', () => {
    expect(Object.keys(jobs).sort()).toEqual(['deploy', 'deploy:pipeline', 'impact', 'impact-note', 'test']);
    expect(read('README.md')).toEqual(expect.stringContaining('| GitLab | `impact-note` |'));
    for (const name of Object.keys(jobs)) expect(read('README.md')).toMatch(new RegExp(`\\| GitLab \\| \`${name}\` (\\(trigger\\) )?\\|`));
  });

  test('merge-request jobs hold no deploy credential and no write token, and install without scripts', () => {
    for (const [name, job] of mrJobs.filter(([n]) => untrusted.includes(n))) {
      expect([name, texts(job)]).not.toEqual([name, expect.stringMatching(/TOKEN|TF_VAR|PASSWORD|SECRET|environment/i)]);
      expect(job.environment).toBeUndefined();
      expect(job.tags).toEqual(['xivo-untrusted']);
    }
    expect(shellOf(jobs.impact)).toContain('npm ci --ignore-scripts --no-audit --no-fund --loglevel=error');
    for (const job of Object.values(jobs))
      for (const line of shellOf(job)) expect(line).not.toMatch(/npm (install|i)\b|npm ci(?!.*--ignore-scripts)/);
  });

  test('the note is posted by a job that checks out nothing and reads the artefact; the label is advisory', () => {
    const note = jobs['impact-note'];
    expect(note.variables).toEqual({ GIT_STRATEGY: 'none' });
    expect(note.needs).toEqual(['impact']);
    expect(note.environment).toEqual({ name: 'impact-note', action: 'prepare' });
    expect(note.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event" && $IMPACT_NOTE == "true"' }]);
    const shell = shellOf(note).join('\n');
    expect(shell).not.toMatch(/npm|node |\.ci\/|scripts\//);
    expect(shell).toContain('status=$(cat impact.status)');
    expect(shell).toMatch(/0\) echo impact-advisory::none;; 2\) echo impact-advisory::restart;; \*\) echo impact-advisory::data-loss;;/);
    expect(shell).toContain('_Advisory: computed by this merge request');
    // The report reaches the merge request without any token too.
    expect(jobs.impact.artifacts).toEqual({ when: 'always', expose_as: 'impact report', paths: ['impact.md', 'impact.status'] });
  });

  test('impact runs against the merge base and fails only when a synth failed (its verdict gates nothing)', () => {
    const lines = shellOf(jobs.impact);
    const at = (l: string) => lines.indexOf(l);
    expect(at('base=$(git merge-base HEAD "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME")')).toBeGreaterThan(
      at('npm ci --ignore-scripts --no-audit --no-fund --loglevel=error'),
    );
    expect(at('status=0; npm run --silent impact -- --base "$base" > impact.md || status=$?')).toBeGreaterThan(0);
    expect(lines.filter((l) => /^test "\$status"/.test(l))).toEqual(['test "$status" -ne 1']); // YAML drops the comment
  });

  test('deploy runs only on the protected default branch, on the deploy runner, as the generated pipeline', () => {
    const onMain = [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_COMMIT_REF_PROTECTED == "true" && $XIVO_DEPLOY_ENV' }];
    expect(jobs['deploy:pipeline'].rules).toEqual(onMain);
    expect(jobs.deploy.rules).toEqual(onMain);
    // The generating job holds no secret: without an environment, the environment-scoped deploy variables never reach it.
    expect(jobs['deploy:pipeline'].environment).toBeUndefined();
    expect(texts(jobs['deploy:pipeline'])).not.toMatch(/TF_VAR_|PG_CONN_STR|IMPACT_API_TOKEN|PASSWORD|SECRET/);
    // Its artefact becomes the deploy's jobs: made on the deploy runner, at their trust level.
    expect(jobs['deploy:pipeline'].tags).toEqual(['xivo-deploy']);
    expect(jobs.deploy.trigger).toEqual({ include: [{ artifact: 'deploy.gitlab-ci.yml', job: 'deploy:pipeline' }], strategy: 'depend' });
    for (const [name, job] of Object.entries(jobs))
      if (!name.startsWith('deploy')) expect([name, job.tags]).not.toEqual([name, expect.arrayContaining(['xivo-deploy'])]);
    expect(pipeline.workflow.rules).toContainEqual({ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_COMMIT_REF_PROTECTED == "true"' });
  });

  test("the verdict that gates the deploy is computed by the protected branch's tool, before the pipeline is made", () => {
    const lines = shellOf(jobs['deploy:pipeline']);
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    expect(at(/npm run --silent impact -- --base "\$base" --json > impact.json/)).toBeGreaterThan(0);
    expect(at(/^npm run --silent pipeline -- --env "\$XIVO_DEPLOY_ENV" --impact impact.json/)).toBeGreaterThan(at(/npm run --silent impact/));
    // Each generated apply job then refuses a saved plan beyond its gate (pipeline.test.ts).
  });

  test('no cache is shared across trust levels', () => {
    expect(pipeline.cache).toBeUndefined();
    expect(pipeline.default.cache).toBeUndefined();
    // A trigger job runs on no runner (and GitLab allows it no cache: keyword).
    for (const job of Object.values(jobs)) if (!job.trigger) expect(job.cache).toEqual([]);
  });
});

describe('GitHub (docs/ci/github-*.yml)', () => {
  const files = ['github-actions.yml', 'github-impact-comment.yml', 'github-deploy.yml'];
  const workflows = Object.fromEntries(files.map((f) => [f, parse(read(f)) as Job]));
  const allJobs = files.flatMap((f) => Object.entries(workflows[f].jobs as Record<string, Job>).map(([name, job]) => ({ file: f, name, job })));
  const uses = allJobs.flatMap(({ job }) => (job.steps ?? []).map((s: Job) => s.uses).filter(Boolean) as string[]);

  test('permissions: {} at the top of every workflow, and each job names its own', () => {
    for (const f of files) expect(workflows[f].permissions).toEqual({});
    const permissions = Object.fromEntries(allJobs.map(({ file, name, job }) => [`${file}:${name}`, job.permissions]));
    expect(permissions).toEqual({
      'github-actions.yml:test': { contents: 'read' },
      'github-actions.yml:impact': { contents: 'read' },
      'github-impact-comment.yml:comment': { actions: 'read', 'pull-requests': 'write' },
      'github-deploy.yml:deploy': { contents: 'read' },
    });
  });

  test('every checkout leaves no credential in .git/config; the comment job checks out nothing', () => {
    const checkouts = allJobs.flatMap(({ name, job }) =>
      (job.steps ?? []).filter((s: Job) => /^actions\/checkout@/.test(s.uses ?? '')).map((s: Job) => [name, s]),
    );
    expect(checkouts.length).toBe(3);
    for (const [, step] of checkouts) expect(step.with['persist-credentials']).toBe(false);
    const comment = workflows['github-impact-comment.yml'].jobs.comment as Job;
    expect(JSON.stringify(comment)).not.toMatch(/checkout|npm|node |\.ci\//);
  });

  test('actions are pinned by commit SHA', () => {
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
    for (const f of files)
      for (const line of read(f)
        .split('\n')
        .filter((l) => l.includes('uses:')))
        expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('github.* values reach scripts through env:, never pasted into a run line', () => {
    for (const { job } of allJobs) for (const line of shellOf(job)) expect(line).not.toMatch(/\$\{\{/);
    expect(workflows['github-actions.yml'].jobs.impact.env.BASE_REF).toBe('${{ github.base_ref }}');
  });

  test('pull requests (forks included) run with a read-only token and post nothing; workflow_run posts from the artefact', () => {
    expect(workflows['github-actions.yml'].on).toEqual({ pull_request: null });
    expect(read('github-actions.yml')).not.toMatch(/pull_request_target|secrets\.|gh pr/);
    expect(workflows['github-impact-comment.yml'].on).toEqual({ workflow_run: { workflows: ['impact'], types: ['completed'] } });
    const shell = shellOf(workflows['github-impact-comment.yml'].jobs.comment).join('\n');
    expect(shell).toMatch(/0\) echo impact-advisory:none;; 2\) echo impact-advisory:restart;; \*\) echo impact-advisory:data-loss;;/);
    expect(shell).toContain(`case "$pr" in ''|*[!0-9]*) echo "not a PR number"; exit 1;; esac`);
    expect(shellOf(workflows['github-actions.yml'].jobs.impact)).toContain('npm ci --ignore-scripts --no-audit --no-fund --loglevel=error');
  });

  test('deploy: main only, through the protected environment, on the deploy runner, gated by its own impact', () => {
    const deploy = workflows['github-deploy.yml'].jobs.deploy as Job;
    expect(workflows['github-deploy.yml'].on.push).toEqual({ branches: ['main'] });
    expect(deploy.if).toBe("github.ref == 'refs/heads/main'");
    expect(deploy.environment).toBe('production');
    expect(deploy['runs-on']).toEqual(['self-hosted', 'xivo-deploy']);
    for (const { file, job } of allJobs) if (file !== 'github-deploy.yml') expect(JSON.stringify(job)).not.toMatch(/xivo-deploy|secrets\./);
    const lines = shellOf(deploy);
    expect(lines.findIndex((l) => l.startsWith('npm run deploy'))).toBeGreaterThan(lines.findIndex((l) => l.startsWith('test "$status" -ne 3')));
  });
});

test('the README of docs/ci states each rule, and the top-level README points to it', () => {
  const readme = read('README.md');
  for (const rule of [
    'Protected',
    'npm ci --ignore-scripts',
    'scrubbed environment',
    'checks out nothing',
    'takes no other job',
    'No cache is shared',
    'advisory',
    'workflow_run',
    'commit SHA',
  ])
    expect(readme).toContain(rule);
  expect(fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8')).toContain('docs/ci/README.md');
});
