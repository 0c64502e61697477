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
  expect(res.stderr).toContain(`pipeline: 7 stacks of prod written to ${out}`);
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
  expect(Object.keys(doc).filter((k) => k.startsWith('apply:'))).toEqual([
    'apply:prod-pbx',
    'apply:prod-mds1',
    'apply:prod-mds2',
    'apply:prod-cc-core',
    'apply:prod-cc-reporting',
    'apply:prod-uc',
    'apply:prod-edge',
  ]);
  expect(doc['apply:prod-cc-core'].rules[1].when).toBe('manual');
  expect(doc['apply:prod-pbx'].rules[1].when).toBeUndefined();
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
    'pipeline: no environment named "nowhere" (have: prod, lab; XIVO_ENV_FILES selects the files)\n',
  ]);
  const local = pipeline(['--env', 'lab']);
  expect(local.status).toBe(1);
  expect(local.stderr).toContain(
    'pipeline: environment "lab" keeps its Terraform state in local files (backend.type: local in environments/lab.yaml)',
  );
  const bad = pipeline(['--env', 'prod', '--impact', path.join(REPO, 'package.json')]);
  expect(bad.stderr).toBe(`pipeline: --impact ${path.join(REPO, 'package.json')}: not the JSON of \`npm run impact -- --json\`\n`);
});
