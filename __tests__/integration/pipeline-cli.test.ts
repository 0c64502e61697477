/**
 * `npm run pipeline -- --env NAME`: the deploy pipeline of a bundled environment, as GitLab reads
 * it (GitLab's CI JSON schema, as gitlab-ci-local 4.52.2 ships and applies it, with its options),
 * gated by an impact report; its refusals name what to write instead.
 */
import Ajv from 'ajv';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const REPO = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-pipeline-'));
const outdir = path.join(tmp, 'cdktf.out');

beforeAll(() => {
  execFileSync('node', ['scripts/build.js'], { cwd: REPO });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function pipeline(args: readonly string[]) {
  return spawnSync(process.execPath, ['dist/pipeline/cli.js', ...args, '--output', outdir], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, XIVO_ENV_FILES: 'environments/prod.yaml,environments/lab.yaml' },
  });
}

test("prod's pipeline is valid GitLab CI, holds every stack in the deploy order, and takes its gates from an impact report", () => {
  const impact = path.join(tmp, 'impact.json');
  fs.writeFileSync(
    impact,
    JSON.stringify({
      dataLoss: [],
      environments: [{ name: 'prod', stacks: [{ stack: 'prod-cc-core', containers: [{ kind: 'service', action: 'replace' }] }] }],
    }),
  );
  const out = path.join(tmp, 'prod.gitlab-ci.yml');
  const res = pipeline(['--env', 'prod', '--out', out, '--impact', impact]);
  expect(res.stderr).toContain(`pipeline: 10 stacks of prod written to ${out}`);
  expect(res.status).toBe(0);
  const text = fs.readFileSync(out, 'utf8');
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/gitlab-ci-local/src/schema/schema.json'), 'utf8'));
  // gitlab-ci-local's own validation options (src/validator.js).
  const ajv = new Ajv({
    verbose: true,
    allErrors: true,
    allowUnionTypes: true,
    validateFormats: false,
    strictTypes: false,
    keywords: ['markdownDescription'],
  });
  const validate = ajv.compile(schema);
  const doc = parse(text);
  expect(validate(doc) ? [] : validate.errors).toEqual([]);
  // The key stacks first: the PBX signs their CSRs.
  expect(Object.keys(doc).filter((k) => k.startsWith('apply:'))).toEqual([
    'apply:prod-cc-core-key',
    'apply:prod-edge-key',
    'apply:prod-uc-key',
    'apply:prod-pbx',
    'apply:prod-mds1',
    'apply:prod-mds2',
    'apply:prod-cc-core',
    'apply:prod-cc-reporting',
    'apply:prod-uc',
    'apply:prod-edge',
  ]);
  expect(doc['apply:prod-cc-core'].rules[2].when).toBe('manual');
  expect(doc['apply:prod-pbx'].rules[2].when).toBeUndefined();
  expect(doc.variables.XIVO_ENV_FILES).toBe('environments/prod.yaml');
  expect(text.split('\n')[3]).toBe(
    '#   AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY TF_VAR_ldap_manager_password TF_VAR_play_auth_token TF_VAR_xuc_ami_secret TF_VAR_xuc_cti_password TF_VAR_xuc_ws_password',
  );
  // Deterministic: the same bytes on stdout.
  expect(pipeline(['--env', 'prod', '--impact', impact]).stdout).toBe(text);
});

test('refusals: an unknown environment lists those that exist; a local backend says what to write instead', () => {
  const unknown = pipeline(['--env', 'nowhere']);
  expect([unknown.status, unknown.stderr]).toEqual([
    1,
    'pipeline: no environment named "nowhere" (have: lab, prod; XIVO_ENV_FILES selects the files)\n',
  ]);
  const local = pipeline(['--env', 'lab']);
  expect(local.status).toBe(1);
  expect(local.stderr).toContain(
    'pipeline: environment "lab" keeps its Terraform state in local files (backend.type: local in environments/lab.yaml)',
  );
  const bad = pipeline(['--env', 'prod', '--impact', path.join(REPO, 'package.json')]);
  expect(bad.stderr).toBe(`pipeline: --impact ${path.join(REPO, 'package.json')}: not the JSON of \`npm run impact -- --json\`\n`);
});

test('gitlab-ci-local 4.52.2 reads the rules: a push to a protected branch plans and applies, a schedule runs drift and backup, nothing else runs', () => {
  // The engine needs a git repository with a GitLab-looking remote.
  const repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', 'git@gitlab.example.com:xivo/estate.git');
  const res = pipeline(['--env', 'prod', '--out', path.join(repo, '.gitlab-ci.yml')]);
  expect(res.status).toBe(0);
  const list = (...variables: string[]) =>
    execFileSync(path.join(REPO, 'node_modules/.bin/gitlab-ci-local'), ['--list', ...variables.flatMap((v) => ['--variable', v])], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0])
      .filter(Boolean);
  const protectedBranch = 'CI_COMMIT_REF_PROTECTED=true';
  const deploy = list(protectedBranch, 'CI_PIPELINE_SOURCE=push');
  expect(deploy).toHaveLength(20);
  expect(deploy.filter((j) => j.startsWith('plan:'))).toHaveLength(10);
  expect(list(protectedBranch, 'CI_PIPELINE_SOURCE=schedule')).toEqual(['drift:prod', 'backup:prod']);
  expect(list(protectedBranch, 'CI_PIPELINE_SOURCE=parent_pipeline', 'XIVO_PARENT_PIPELINE_SOURCE=schedule')).toEqual(['drift:prod', 'backup:prod']);
  expect(list(protectedBranch, 'CI_PIPELINE_SOURCE=merge_request_event')).toEqual([]);
  expect(list('CI_COMMIT_REF_PROTECTED=false', 'CI_PIPELINE_SOURCE=push')).toEqual([]);
});
