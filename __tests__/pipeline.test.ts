/**
 * The generated deploy pipeline (pipeline/generate.ts): its shape, job by job, against the rules of
 * issue 21 (tiers, needs, resource groups, gates, backend, schedules) and of the trust boundaries
 * (protected branches only, the deploy runner's tag, no cache, no merge-request pipeline).
 * The CLI and GitLab's CI schema: integration/pipeline-cli.test.ts; the e2e suite runs it (e2e/pipeline.test.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { actionOf, planImpact, renderPlanImpact } from '../deploy/plan-impact';
import type { ImpactReport } from '../impact/impact-report';
import { gatesFromImpact, generatePipeline, PipelineOptions, PipelineStack, tiersOf } from '../pipeline/generate';

const STACKS: PipelineStack[] = [
  { name: 'prod-edge', dependencies: ['prod-cc-core', 'prod-pbx'], variables: [] },
  { name: 'prod-cc-core', dependencies: ['prod-pbx', 'prod-mds1'], variables: ['play_auth_token', 'xuc_cti_password'] },
  { name: 'prod-uc', dependencies: ['prod-pbx', 'prod-mds1'], variables: [] },
  { name: 'prod-mds1', dependencies: ['prod-pbx'], variables: [] },
  { name: 'prod-pbx', dependencies: [], variables: ['play_auth_token'] },
];
const OPTIONS: PipelineOptions = { environment: 'prod', envFile: 'environments/prod.yaml', backend: 'pg', stacks: STACKS };
const pipeline = (options: Partial<PipelineOptions> = {}): any => parse(generatePipeline({ ...OPTIONS, ...options }));
const SCHEDULED = '($CI_PIPELINE_SOURCE == "schedule" || $XIVO_PARENT_PIPELINE_SOURCE == "schedule")';
const MR_NEVER = { if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: 'never' };
const jobs = (p: any) => Object.keys(p).filter((k) => /^(plan|apply|drift|backup):/.test(k));

describe('the generated GitLab CI pipeline', () => {
  test('is the same bytes twice', () => {
    const gates = { 'prod-pbx': 0, 'prod-mds1': 2, 'prod-cc-core': 3 };
    expect(generatePipeline({ ...OPTIONS, gates })).toBe(generatePipeline({ ...OPTIONS, gates }));
  });

  test('tiers follow the deploy order: PBX, then MDS, then CC and UC-Addon side by side, then the edge', () => {
    expect(Object.fromEntries(tiersOf(STACKS))).toEqual({ 'prod-pbx': 1, 'prod-mds1': 2, 'prod-cc-core': 3, 'prod-uc': 3, 'prod-edge': 4 });
    const p = pipeline();
    expect(p.stages).toEqual([
      'plan-tier-1',
      'apply-tier-1',
      'plan-tier-2',
      'apply-tier-2',
      'plan-tier-3',
      'apply-tier-3',
      'plan-tier-4',
      'apply-tier-4',
      'scheduled',
    ]);
    expect(p['plan:prod-cc-core'].stage).toBe('plan-tier-3');
    expect(p['apply:prod-uc'].stage).toBe('apply-tier-3');
  });

  test('a stack is planned after its upstreams applied, and applied from its own plan after them', () => {
    const p = pipeline();
    expect(p['plan:prod-pbx'].needs).toEqual([]);
    expect(p['plan:prod-cc-core'].needs).toEqual([
      { job: 'apply:prod-pbx', artifacts: false },
      { job: 'apply:prod-mds1', artifacts: false },
    ]);
    expect(p['apply:prod-cc-core'].needs).toEqual([
      { job: 'plan:prod-cc-core', artifacts: true },
      { job: 'apply:prod-pbx', artifacts: false },
      { job: 'apply:prod-mds1', artifacts: false },
    ]);
    expect(p['plan:prod-cc-core'].script).toEqual([
      'npm run deploy -- prod-cc-core --plan --save-plans plans --force || test $? -eq 2',
      'cat plans/prod-cc-core.impact.md',
    ]);
  });

  test('plan files and impact reports are short-lived artefacts for members who may deploy', () => {
    expect(pipeline()['plan:prod-pbx'].artifacts).toEqual({
      paths: ['plans/prod-pbx.tfplan', 'plans/prod-pbx.impact.json', 'plans/prod-pbx.impact.md'],
      expire_in: '1 hour',
      access: 'developer',
      when: 'on_success',
    });
    expect(pipeline({ planExpiry: '30 minutes' })['plan:prod-pbx'].artifacts.expire_in).toBe('30 minutes');
  });

  test('every apply job holds its stack resource group', () => {
    const p = pipeline();
    for (const s of STACKS) expect(p[`apply:${s.name}`].resource_group).toBe(s.name);
  });

  test('gate 0 applies without asking, gate 2 waits for a manual start that blocks what follows', () => {
    const p = pipeline({ gates: { 'prod-pbx': 0, 'prod-mds1': 2 } });
    expect(p['apply:prod-pbx'].rules).toEqual([MR_NEVER, { if: SCHEDULED, when: 'never' }, { if: '$CI_COMMIT_REF_PROTECTED == "true"' }]);
    expect(p['apply:prod-pbx'].script).toEqual(['npm run deploy -- prod-pbx --apply-plans plans --max-impact 0 --force']);
    expect(p['apply:prod-mds1'].rules[2]).toEqual({ if: '$CI_COMMIT_REF_PROTECTED == "true"', when: 'manual', allow_failure: false });
    expect(p['apply:prod-mds1'].script).toEqual(['npm run deploy -- prod-mds1 --apply-plans plans --max-impact 2 --force']);
    // A stack the impact report does not name is gated as a restart.
    expect(p['apply:prod-edge'].rules[2].when).toBe('manual');
  });

  test('gate 3 (data at risk) is a separate manual job that needs XIVO_CONFIRM_DATA_LOSS and backs up first', () => {
    const p = pipeline({ gates: { 'prod-pbx': 0, 'prod-mds1': 0, 'prod-cc-core': 3 } });
    expect(p['apply:prod-cc-core']).toBeUndefined();
    const job = p['apply:prod-cc-core:data-at-risk'];
    expect(job.rules[2]).toEqual({ if: '$CI_COMMIT_REF_PROTECTED == "true"', when: 'manual', allow_failure: false });
    expect(job.script).toEqual([
      'test "$XIVO_CONFIRM_DATA_LOSS" = "prod-cc-core" || { echo "the plan of prod-cc-core deletes a data volume (plans/prod-cc-core.impact.md): run this job with the variable XIVO_CONFIRM_DATA_LOSS=prod-cc-core"; exit 1; }',
      'npm run backup -- --env prod --server prod-cc-core',
      'npm run deploy -- prod-cc-core --apply-plans plans --max-impact 3 --force',
    ]);
    expect(p['plan:prod-edge'].needs).toContainEqual({ job: 'apply:prod-cc-core:data-at-risk', artifacts: false });
  });

  test('runs only on protected branches, never for a merge request; every job on the deploy runner, through the environment, without cache', () => {
    const p = pipeline();
    expect(p.workflow.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: 'never' },
      { if: '$CI_COMMIT_REF_PROTECTED == "true"' },
    ]);
    expect(p['.xivo-deploy']).toEqual({
      tags: ['xivo-deploy'],
      cache: [],
      interruptible: false,
      before_script: ['npm ci --ignore-scripts --no-audit --no-fund'],
    });
    for (const job of jobs(p)) {
      expect(p[job].extends).toBe('.xivo-deploy');
      expect(p[job].environment.name).toBe('prod');
      expect(p[job].cache).toBeUndefined();
      expect(p[job].rules.some((r: any) => r.if.includes('$CI_COMMIT_REF_PROTECTED == "true"'))).toBe(true);
      for (const line of p[job].script) if (line.startsWith('npm run deploy')) expect(line).toContain(' --force');
    }
    expect(p.default).toBeUndefined();
    expect(p.cache).toBeUndefined();
    const tagged = pipeline({ runnerTags: ['xivo-deploy-prod', 'dc1'], image: 'registry.example.com/xivo-deploy:1', install: 'true' })[
      '.xivo-deploy'
    ];
    expect(tagged).toMatchObject({ image: 'registry.example.com/xivo-deploy:1', tags: ['xivo-deploy-prod', 'dc1'], before_script: ['true'] });
  });

  test('scheduled pipelines run drift and backup only; pushes never run them', () => {
    const p = pipeline();
    expect(p['drift:prod']).toMatchObject({
      stage: 'scheduled',
      rules: [MR_NEVER, { if: `${SCHEDULED} && $CI_COMMIT_REF_PROTECTED == "true"` }],
      needs: [],
      script: ['npm run drift -- --env prod'],
      resource_group: 'prod-drift',
    });
    expect(p['backup:prod']).toMatchObject({ script: ['npm run backup -- --env prod'], resource_group: 'prod-backup' });
    for (const job of jobs(p).filter((j) => /^(plan|apply):/.test(j)))
      expect(p[job].rules.slice(0, 2)).toEqual([MR_NEVER, { if: SCHEDULED, when: 'never' }]);
  });

  test('the header names the backend, the order with gates, and every protected variable the jobs read', () => {
    const header = generatePipeline({ ...OPTIONS, backend: 's3', gates: { 'prod-pbx': 0, 'prod-cc-core': 3 } })
      .split('\n')
      .filter((l) => l.startsWith('#'));
    expect(header).toEqual([
      '# Deploy pipeline of environment "prod" (environments/prod.yaml), generated by `npm run pipeline -- --env prod`: do not edit, generate again.',
      '# Deploy order: prod-pbx (tier 1, gate: applies), prod-mds1 (tier 2, gate: manual, containers restart), prod-cc-core (tier 3, gate: manual + XIVO_CONFIRM_DATA_LOSS, data at risk), prod-uc (tier 3, gate: manual, containers restart), prod-edge (tier 4, gate: manual, containers restart).',
      '# State backend: s3. Protected CI/CD variables of environment "prod" (README "Deploying from GitLab CI"), read only by these protected jobs:',
      '#   AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY TF_VAR_play_auth_token TF_VAR_xuc_cti_password',
      '# Runner: tags [xivo-deploy], protected, "run untagged jobs" off; it takes no other job.',
    ]);
  });

  test('refuses what cannot make a pipeline, saying what to write instead', () => {
    expect(() => generatePipeline({ ...OPTIONS, backend: 'local' })).toThrow(
      'environment "prod" keeps its Terraform state in local files (backend.type: local in environments/prod.yaml): every CI job starts from a fresh clone, ' +
        'so a pipeline needs a shared backend: write backend: { type: pg } (or s3, http) in the environment file, then move the state (npm run deploy -- --env prod --migrate-state)',
    );
    expect(() => generatePipeline({ ...OPTIONS, gates: { 'prod-nowhere': 0 } })).toThrow(
      'gate for "prod-nowhere": not a stack of environment "prod"',
    );
    expect(() => generatePipeline({ ...OPTIONS, gates: { 'prod-pbx': 1 } })).toThrow('gate for "prod-pbx": 0, 2 or 3, not 1');
    expect(() => generatePipeline({ ...OPTIONS, runnerTags: [] })).toThrow(
      'the deploy jobs need a runner tag: the deploy runner takes only jobs with its tags',
    );
    expect(() => generatePipeline({ ...OPTIONS, stacks: [] })).toThrow('environment "prod" has no stack');
    expect(() =>
      tiersOf([
        { name: 'a', dependencies: ['b'], variables: [] },
        { name: 'b', dependencies: ['a'], variables: [] },
      ]),
    ).toThrow('stacks depend on each other in a cycle through a');
  });
});

describe('gates from an impact report', () => {
  test('3 for a data volume at risk, 2 for a service container replaced or removed, else 0', () => {
    const stack = (name: string, containers: { kind: string; action: string }[]) => ({
      stack: name,
      environment: 'prod',
      server: name,
      containers,
      others: [],
    });
    const report = {
      dataLoss: [{ stack: 'prod-cc-core' }],
      environments: [
        {
          name: 'prod',
          stacks: [
            stack('prod-pbx', [{ kind: 'service', action: 'create' }]),
            stack('prod-mds1', [{ kind: 'service', action: 'replace' }]),
            stack('prod-uc', [{ kind: 'host-file', action: 'replace' }]),
            stack('prod-cc-core', [{ kind: 'service', action: 'update' }]),
          ],
        },
      ],
    } as unknown as ImpactReport;
    expect(gatesFromImpact(report, ['prod-pbx', 'prod-mds1', 'prod-uc', 'prod-cc-core', 'prod-edge'])).toEqual({
      'prod-pbx': 0,
      'prod-mds1': 2,
      'prod-uc': 0,
      'prod-cc-core': 3,
      'prod-edge': 0,
    });
  });
});

describe("a saved plan's own impact (what an apply job checks against its gate)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-impact-'));
  fs.writeFileSync(
    path.join(dir, 'cdk.tf.json'),
    JSON.stringify({
      resource: {
        docker_container: {
          xuc: { labels: [{ label: 'org.xivo.service', value: 'xuc' }] },
          custom_env: { labels: [{ label: 'org.xivo.host-file', value: '/etc/docker/compose/custom.env' }] },
        },
      },
    }),
  );

  test('replacing a service container restarts it (2); a host-file helper restarts nothing; a volume deleted is data at risk (3)', () => {
    expect(planImpact('s', dir, [{ address: 'docker_container.custom_env', action: 'replace' }]).exitCode).toBe(0);
    const restart = planImpact('s', dir, [
      { address: 'docker_container.xuc', action: 'replace' },
      { address: 'docker_image.xuc', action: 'noop' },
    ]);
    expect(restart).toEqual({
      stack: 's',
      exitCode: 2,
      restarts: ['docker_container.xuc: replace'],
      dataAtRisk: [],
      changes: ['docker_container.xuc: replace'],
    });
    expect(planImpact('s', dir, [{ address: 'docker_volume.data', action: 'delete' }]).exitCode).toBe(3);
    expect(renderPlanImpact(restart)).toBe(
      '# s: containers restart (exit 2)\n\nService containers restarted:\n- `docker_container.xuc: replace`\n\nPlanned changes:\n- `docker_container.xuc: replace`\n',
    );
    expect(renderPlanImpact(planImpact('s', dir, []))).toBe('# s: no changes (exit 0)\n');
  });

  test("terraform show -json's actions", () => {
    expect([actionOf(['delete', 'create']), actionOf(['create', 'delete']), actionOf(['no-op']), actionOf(['update'])]).toEqual([
      'replace',
      'replace',
      'noop',
      'update',
    ]);
  });
});

describe("docs/ci's entry to the deploy pipeline", () => {
  const ci = parse(fs.readFileSync(path.join(__dirname, '../docs/ci/gitlab-ci.yml'), 'utf8'));
  const onMain = { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_COMMIT_REF_PROTECTED == "true" && $XIVO_DEPLOY_ENV' };

  test('on the protected default branch only, the pipeline is generated with the impact of the pushed change, then triggered as a child', () => {
    expect(ci['deploy:pipeline'].rules).toEqual([onMain]);
    expect(ci['deploy:pipeline'].script).toEqual([
      'npm ci --ignore-scripts --no-audit --no-fund --loglevel=error',
      'base=$CI_COMMIT_BEFORE_SHA; case "$base" in ""|0000000000000000000000000000000000000000) base=HEAD~1;; esac',
      'status=0; npm run --silent impact -- --base "$base" --json > impact.json || status=$?',
      'test "$status" -ne 1',
      'npm run --silent pipeline -- --env "$XIVO_DEPLOY_ENV" --impact impact.json --out deploy.gitlab-ci.yml',
    ]);
    expect(ci.deploy).toEqual({
      stage: 'deploy',
      rules: [onMain],
      needs: ['deploy:pipeline'],
      // A child pipeline's own source is parent_pipeline: its scheduled jobs read the parent's.
      variables: { XIVO_PARENT_PIPELINE_SOURCE: '$CI_PIPELINE_SOURCE' },
      trigger: { include: [{ artifact: 'deploy.gitlab-ci.yml', job: 'deploy:pipeline' }], strategy: 'depend' },
    });
  });

  test('the generating job reads no deploy credential (no environment) and runs on the deploy runner, whose jobs its artefact becomes', () => {
    const job = JSON.stringify(ci['deploy:pipeline']);
    expect(job).not.toMatch(/TF_VAR_|PG_CONN_STR|AWS_|TF_HTTP_|IMPACT_API_TOKEN/);
    expect(ci['deploy:pipeline'].environment).toBeUndefined();
    expect(ci['deploy:pipeline'].tags).toEqual(['xivo-deploy']);
  });
});
