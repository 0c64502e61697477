/**
 * The GitLab CI pipeline of one environment, generated from its synthesized stacks: per stack a
 * plan job and an apply job, tier by tier in the deploy order (PBX -> MDS -> CC/UC-Addon -> edge,
 * the stacks of one tier side by side), each apply gated by the impact of the change, and the
 * scheduled drift and backup jobs. Every job follows the trust rules of README "Deploying from GitLab CI": it runs
 * on a protected branch only, through the protected environment, on the deploy runner (tagged,
 * protected, taking no other job), shares no cache, and synthesizes with --force.
 *
 * Pure: the same stacks and options give the same bytes.
 */
import { stringify } from 'yaml';
import { EXIT_DATA_LOSS, EXIT_NO_WINDOW, EXIT_RESTARTS } from '../impact/impact-report';
import type { ImpactReport } from '../impact/impact-report';
import type { BackendSpec } from '../config/schema';

/** What the pipeline needs to know of a stack (deploy/stack-info.ts reads it from the synth output). */
export interface PipelineStack {
  readonly name: string;
  /** Stacks deployed before this one. */
  readonly dependencies: readonly string[];
  /** Names of the Terraform variables the stack declares (given as TF_VAR_<name>). */
  readonly variables: readonly string[];
}

/** The environment's state backend type (`backend.type` of the environment file). */
export type BackendType = BackendSpec['type'];

export interface PipelineOptions {
  /** Environment name (`--env`). */
  readonly environment: string;
  /** The environment file, relative to the repository root (the jobs' XIVO_ENV_FILES). */
  readonly envFile: string;
  readonly backend: BackendType;
  readonly stacks: readonly PipelineStack[];
  /**
   * Gate of each stack, the exit code of `npm run impact` for its changes: 0 applies without
   * asking, 2 (containers restart) waits for a manual start, 3 (data at risk) only runs as a separate
   * manual job that backs up first and needs XIVO_CONFIRM_DATA_LOSS=<stack>. A stack not named
   * here is gated as 2. @default every stack 2 (no impact report: every apply is manual)
   */
  readonly gates?: Readonly<Record<string, number>>;
  /** Tags of the deploy runner (protected, tagged, running no untagged job). @default ['xivo-deploy'] */
  readonly runnerTags?: readonly string[];
  /** Run before each job's script (a fresh clone has no node_modules). @default npm ci --ignore-scripts --no-audit --no-fund */
  readonly install?: string;
  /** Image of the jobs, for a Docker-executor deploy runner. @default none (the runner's own) */
  readonly image?: string;
  /** How long plan files (they hold secrets) are kept. @default '1 hour' */
  readonly planExpiry?: string;
}

/** CI/CD variables that the state backend reads at plan and apply time (credentials: Protected, Masked). */
export const BACKEND_VARIABLES: Readonly<Record<BackendType, readonly string[]>> = {
  local: [],
  pg: ['PG_CONN_STR'],
  s3: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
  http: ['TF_HTTP_USERNAME', 'TF_HTTP_PASSWORD'],
};

export const DEFAULT_RUNNER_TAGS = ['xivo-deploy'] as const;
const DEFAULT_INSTALL = 'npm ci --ignore-scripts --no-audit --no-fund';
/** Where plan jobs keep their plans and impact reports (artefacts). */
export const PLANS_DIR = 'plans';

/** A pipeline that cannot be generated (bad options). */
export class PipelineError extends Error {}

/** Tier of each stack: 1 + the highest tier of the stacks it depends on (dependencies outside the list are deployed). */
export function tiersOf(stacks: readonly PipelineStack[]): Map<string, number> {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const tiers = new Map<string, number>();
  const visiting = new Set<string>();
  const tier = (stack: PipelineStack): number => {
    const known = tiers.get(stack.name);
    if (known !== undefined) return known;
    if (visiting.has(stack.name)) throw new PipelineError(`stacks depend on each other in a cycle through ${stack.name}`);
    visiting.add(stack.name);
    const own = 1 + Math.max(0, ...stack.dependencies.filter((d) => byName.has(d)).map((d) => tier(byName.get(d)!)));
    visiting.delete(stack.name);
    tiers.set(stack.name, own);
    return own;
  };
  stacks.forEach(tier);
  return tiers;
}

/**
 * Gate of each stack from an impact report (`npm run impact -- --json`): 3 when the change puts
 * one of its data volumes at risk, 2 when it replaces or removes a service container, else 0.
 */
export function gatesFromImpact(report: ImpactReport, stacks: readonly string[]): Record<string, number> {
  const impacts = new Map(report.environments.flatMap((e) => e.stacks).map((s) => [s.stack, s]));
  return Object.fromEntries(
    stacks.map((stack) => {
      if (report.dataLoss.some((d) => d.stack === stack)) return [stack, EXIT_DATA_LOSS];
      const restarts = (impacts.get(stack)?.containers ?? []).some((c) => c.kind === 'service' && (c.action === 'replace' || c.action === 'destroy'));
      return [stack, restarts ? EXIT_RESTARTS : EXIT_NO_WINDOW];
    }),
  );
}

export const planJob = (stack: string) => `plan:${stack}`;
export const applyJob = (stack: string, gate: number) => (gate === EXIT_DATA_LOSS ? `apply:${stack}:data-at-risk` : `apply:${stack}`);

const ON_PROTECTED = '$CI_COMMIT_REF_PROTECTED == "true"';
const MERGE_REQUEST = '$CI_PIPELINE_SOURCE == "merge_request_event"';
/** Each job repeats the workflow's refusal of merge-request pipelines (an engine without workflow:rules still obeys it). */
const NEVER_FOR_MERGE_REQUESTS = { if: MERGE_REQUEST, when: 'never' };
/** A scheduled pipeline, or the child of one (a child's own source is parent_pipeline: docs/ci passes the parent's). */
const SCHEDULED = '($CI_PIPELINE_SOURCE == "schedule" || $XIVO_PARENT_PIPELINE_SOURCE == "schedule")';

/** The pipeline as YAML text. */
export function generatePipeline(options: PipelineOptions): string {
  const env = options.environment;
  if (!options.stacks.length) throw new PipelineError(`environment "${env}" has no stack`);
  if (options.backend === 'local')
    throw new PipelineError(
      `environment "${env}" keeps its Terraform state in local files (backend.type: local in ${options.envFile}): every CI job starts from a fresh clone, ` +
        'so a pipeline needs a shared backend: write backend: { type: pg } (or s3, http) in the environment file, then move the state (npm run deploy -- --env ' +
        `${env} --migrate-state)`,
    );
  for (const [stack, gate] of Object.entries(options.gates ?? {})) {
    if (!options.stacks.some((s) => s.name === stack)) throw new PipelineError(`gate for "${stack}": not a stack of environment "${env}"`);
    if (![EXIT_NO_WINDOW, EXIT_RESTARTS, EXIT_DATA_LOSS].includes(gate)) throw new PipelineError(`gate for "${stack}": 0, 2 or 3, not ${gate}`);
  }
  const tags = [...(options.runnerTags ?? DEFAULT_RUNNER_TAGS)];
  if (!tags.length) throw new PipelineError('the deploy jobs need a runner tag: the deploy runner takes only jobs with its tags');
  const tiers = tiersOf(options.stacks);
  const maxTier = Math.max(...tiers.values());
  const ordered = [...options.stacks].sort((a, b) => tiers.get(a.name)! - tiers.get(b.name)! || a.name.localeCompare(b.name));
  const gate = (stack: string) => options.gates?.[stack] ?? EXIT_RESTARTS;
  const secrets = [...new Set([...BACKEND_VARIABLES[options.backend], ...ordered.flatMap((s) => s.variables.map((v) => `TF_VAR_${v}`))])].sort();

  const stages: string[] = [];
  for (let t = 1; t <= maxTier; t++) stages.push(`plan-tier-${t}`, `apply-tier-${t}`);
  stages.push('scheduled');

  const doc: Record<string, unknown> = {
    workflow: {
      rules: [
        // Merge requests run unreviewed code: never in this pipeline (docs/ci runs their tests and impact).
        { if: MERGE_REQUEST, when: 'never' },
        { if: ON_PROTECTED },
      ],
    },
    stages,
    variables: {
      XIVO_ENV_FILES: options.envFile,
      CHECKPOINT_DISABLE: '1',
      // Never reuse a workspace: a plan or a state file of an earlier job must not be picked up.
      GIT_STRATEGY: 'clone',
    },
    '.xivo-deploy': {
      ...(options.image ? { image: options.image } : {}),
      tags,
      // No cache: nothing written by a job of another trust level reaches a deploy job.
      cache: [],
      interruptible: false,
      before_script: [options.install ?? DEFAULT_INSTALL],
    },
  };

  const upstreamApplies = (stack: PipelineStack) =>
    stack.dependencies.filter((d) => tiers.has(d)).map((d) => ({ job: applyJob(d, gate(d)), artifacts: false }));
  for (const stack of ordered) {
    const t = tiers.get(stack.name)!;
    const g = gate(stack.name);
    const files = ['tfplan', 'impact.json', 'impact.md'].map((ext) => `${PLANS_DIR}/${stack.name}.${ext}`);
    doc[planJob(stack.name)] = {
      extends: '.xivo-deploy',
      stage: `plan-tier-${t}`,
      // The plan reads the state and refreshes from the hosts: the environment's protected variables.
      environment: { name: env, action: 'prepare' },
      rules: [NEVER_FOR_MERGE_REQUESTS, { if: SCHEDULED, when: 'never' }, { if: ON_PROTECTED }],
      needs: upstreamApplies(stack),
      // exit 2: changes planned (the apply job applies them).
      script: [
        `npm run deploy -- ${stack.name} --plan --save-plans ${PLANS_DIR} --force || test $? -eq 2`,
        `cat ${PLANS_DIR}/${stack.name}.impact.md`,
      ],
      artifacts: {
        // A plan file holds the secrets it applies: kept briefly, only for members who may deploy.
        paths: files,
        expire_in: options.planExpiry ?? '1 hour',
        access: 'developer',
        when: 'on_success',
      },
    };
    const apply = `npm run deploy -- ${stack.name} --apply-plans ${PLANS_DIR} --max-impact ${g} --force`;
    const gated = g === EXIT_NO_WINDOW ? { if: ON_PROTECTED } : { if: ON_PROTECTED, when: 'manual', allow_failure: false };
    doc[applyJob(stack.name, g)] = {
      extends: '.xivo-deploy',
      stage: `apply-tier-${t}`,
      environment: { name: env, action: 'start' },
      // One apply of a stack at a time, whatever the pipeline (the state lock waits too).
      resource_group: stack.name,
      rules: [NEVER_FOR_MERGE_REQUESTS, { if: SCHEDULED, when: 'never' }, gated],
      needs: [{ job: planJob(stack.name), artifacts: true }, ...upstreamApplies(stack)],
      script:
        g === EXIT_DATA_LOSS
          ? [
              `test "$XIVO_CONFIRM_DATA_LOSS" = "${stack.name}" || { echo "the plan of ${stack.name} deletes a data volume (${PLANS_DIR}/${stack.name}.impact.md): run this job with the variable XIVO_CONFIRM_DATA_LOSS=${stack.name}"; exit 1; }`,
              `npm run backup -- --env ${env} --server ${stack.name}`,
              apply,
            ]
          : [apply],
    };
  }

  const scheduled = (script: string[], group: string) => ({
    extends: '.xivo-deploy',
    stage: 'scheduled',
    environment: { name: env, action: 'verify' },
    resource_group: group,
    rules: [NEVER_FOR_MERGE_REQUESTS, { if: `${SCHEDULED} && ${ON_PROTECTED}` }],
    needs: [],
    script,
  });
  // Exit 2 (drift found) fails the job: a failed scheduled pipeline notifies its owner.
  doc[`drift:${env}`] = scheduled([`npm run drift -- --env ${env}`], `${env}-drift`);
  doc[`backup:${env}`] = scheduled([`npm run backup -- --env ${env}`], `${env}-backup`);

  const header = [
    `# Deploy pipeline of environment "${env}" (${options.envFile}), generated by \`npm run pipeline -- --env ${env}\`: do not edit, generate again.`,
    `# Deploy order: ${ordered.map((s) => `${s.name} (tier ${tiers.get(s.name)}, ${['gate: applies', '', 'gate: manual, containers restart', 'gate: manual + XIVO_CONFIRM_DATA_LOSS, data at risk'][gate(s.name)]})`).join(', ')}.`,
    `# State backend: ${options.backend}. Protected CI/CD variables of environment "${env}" (README "Deploying from GitLab CI"), read only by these protected jobs:`,
    `#   ${secrets.join(' ') || '(none)'}`,
    `# Runner: tags [${tags.join(', ')}], protected, "run untagged jobs" off; it takes no other job.`,
  ];
  return `${header.join('\n')}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
