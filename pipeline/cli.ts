/**
 * `npm run pipeline -- --env NAME [--out FILE] [--impact impact.json]`: writes the GitLab CI
 * deploy pipeline of one environment (generate.ts), from its synthesized stacks.
 *
 *   --env NAME          the environment (its file is found among XIVO_ENV_FILES)
 *   --out FILE          where to write it (default: stdout)
 *   --impact FILE       `npm run impact -- --json` of the change: gates each apply (0 applies, 2 manual, 3 manual + confirmation);
 *                       without it every apply is manual
 *   --runner-tag TAG    tag of the deploy runner (repeatable; default xivo-deploy)
 *   --install CMD       each job's set-up command (default: npm ci --ignore-scripts --no-audit --no-fund)
 *   --image IMAGE       image of the jobs (Docker-executor runners; default: none)
 *   --plan-expiry DUR   how long plan artefacts are kept (default: 1 hour)
 *   --output DIR        the synth output (default CDKTF_OUTDIR or cdktf.out)
 *
 * Exit code: 0 written, 1 an error (named).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { ConfigError } from '../config/errors';
import { loadEnvironments } from '../config/loader';
import { readStacks } from '../deploy/stack-info';
import type { ImpactReport } from '../impact/impact-report';
import { cachedSynth } from '../synth/synth-cache';
import { gatesFromImpact, generatePipeline, PipelineError } from './generate';

const USAGE =
  'usage: npm run pipeline -- --env NAME [--out FILE] [--impact impact.json] [--runner-tag TAG]... [--install CMD] [--image IMAGE] [--plan-expiry DUR] [--output DIR]';

function main(): number {
  const { values } = parseArgs({
    options: {
      env: { type: 'string' },
      out: { type: 'string' },
      impact: { type: 'string' },
      'runner-tag': { type: 'string', multiple: true },
      install: { type: 'string' },
      image: { type: 'string' },
      'plan-expiry': { type: 'string' },
      output: { type: 'string', default: process.env.CDKTF_OUTDIR || 'cdktf.out' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.env) throw new PipelineError(`name the environment: --env NAME\n${USAGE}`);
  const environments = loadEnvironments();
  const environment = environments.find((e) => e.name === values.env);
  if (!environment)
    throw new PipelineError(
      `no environment named "${values.env}" (have: ${environments.map((e) => e.name).join(', ') || 'none'}; XIVO_ENV_FILES selects the files)`,
    );
  cachedSynth({ outdir: values.output, onWarning: (w) => console.warn(`warning: ${w}`) });
  const stacks = readStacks(values.output!)
    .filter((s) => s.environment === environment.name)
    .map((s) => {
      const config = JSON.parse(fs.readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as { variable?: Record<string, unknown> };
      return { name: s.name, dependencies: s.dependencies, variables: Object.keys(config.variable ?? {}) };
    });
  let gates: Record<string, number> | undefined;
  if (values.impact) {
    const report = JSON.parse(fs.readFileSync(values.impact, 'utf8')) as ImpactReport;
    if (!Array.isArray(report.environments) || !Array.isArray(report.dataLoss))
      throw new PipelineError(`--impact ${values.impact}: not the JSON of \`npm run impact -- --json\``);
    gates = gatesFromImpact(
      report,
      stacks.map((s) => s.name),
    );
  }
  const text = generatePipeline({
    environment: environment.name,
    envFile: path.relative(process.cwd(), path.resolve(environment.file)),
    backend: environment.backend.type,
    stacks,
    gates,
    runnerTags: values['runner-tag'],
    install: values.install,
    image: values.image,
    planExpiry: values['plan-expiry'],
  });
  if (values.out) {
    fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    fs.writeFileSync(values.out, text);
    console.error(`pipeline: ${stacks.length} stacks of ${environment.name} written to ${values.out}`);
  } else process.stdout.write(text);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    const error = e as Error;
    console.error(error instanceof PipelineError || error instanceof ConfigError ? `pipeline: ${error.message}` : `pipeline failed: ${error.stack}`);
    process.exitCode = 1;
  }
}
