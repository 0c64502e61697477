/**
 * The impact of a saved Terraform plan of one stack, read from the plan itself (not from a synth
 * diff): which service containers it restarts and which data volumes it would delete. A deploy
 * pipeline's gate is checked against it just before the apply, so a gate generated from a synth
 * diff (`npm run impact`) can never let through more than it said.
 *
 * Exit codes as `npm run impact`: 0 nothing restarts, 2 containers restart, 3 a data volume is at risk.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT_DATA_LOSS, EXIT_NO_WINDOW, EXIT_RESTARTS } from '../impact/impact-report';

/** One planned change: `docker_container.xuc` and Terraform's action (`create`, `update`, `replace`, `delete`…). */
export interface PlannedChange {
  readonly address: string;
  readonly action: string;
}

export interface PlanImpact {
  readonly stack: string;
  /** 0: no maintenance window, 2: containers restart, 3: a data volume is at risk. */
  readonly exitCode: number;
  /** Service containers replaced or removed (`docker_container.xuc: replace`). */
  readonly restarts: readonly string[];
  /** Data volumes replaced or removed. */
  readonly dataAtRisk: readonly string[];
  /** Every planned change, `address: action`. */
  readonly changes: readonly string[];
}

const GONE = new Set(['replace', 'delete']);

/** Containers that run no service (a host-file upload, a one-shot job): their replacement restarts nothing. */
function helperContainers(stackDir: string): Set<string> {
  const file = path.join(stackDir, 'cdk.tf.json');
  if (!fs.existsSync(file)) return new Set();
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    resource?: { docker_container?: Record<string, { labels?: { label: string }[] }> };
  };
  return new Set(
    Object.entries(config.resource?.docker_container ?? {})
      .filter(([, c]) => (c.labels ?? []).some((l) => l.label === 'org.xivo.host-file' || l.label === 'org.xivo.job'))
      .map(([id]) => `docker_container.${id}`),
  );
}

/** Classifies the planned changes of the stack synthesized in `stackDir`. */
export function planImpact(stack: string, stackDir: string, planned: readonly PlannedChange[]): PlanImpact {
  const helpers = helperContainers(stackDir);
  const changes = planned.filter((c) => c.action !== 'noop' && c.action !== 'read');
  const restarts = changes
    .filter((c) => c.address.startsWith('docker_container.') && GONE.has(c.action) && !helpers.has(c.address))
    .map((c) => `${c.address}: ${c.action}`);
  const dataAtRisk = changes.filter((c) => c.address.startsWith('docker_volume.') && GONE.has(c.action)).map((c) => `${c.address}: ${c.action}`);
  return {
    stack,
    exitCode: dataAtRisk.length ? EXIT_DATA_LOSS : restarts.length ? EXIT_RESTARTS : EXIT_NO_WINDOW,
    restarts,
    dataAtRisk,
    changes: changes.map((c) => `${c.address}: ${c.action}`),
  };
}

/** The action of a `resource_changes` entry of `terraform show -json` (`["delete","create"]` is a replace). */
export function actionOf(actions: readonly string[]): string {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  return actions.length === 1 ? actions[0].replace('no-op', 'noop') : actions.join('+');
}

/** Markdown of a stack's plan impact (addresses only: never a value). */
export function renderPlanImpact(impact: PlanImpact): string {
  const verdict =
    impact.exitCode === EXIT_DATA_LOSS
      ? 'DATA AT RISK: the plan deletes a data volume'
      : impact.exitCode === EXIT_RESTARTS
        ? 'containers restart'
        : impact.changes.length
          ? 'no restart'
          : 'no changes';
  const list = (title: string, items: readonly string[]) => (items.length ? `\n${title}:\n${items.map((i) => `- \`${i}\``).join('\n')}\n` : '');
  return (
    `# ${impact.stack}: ${verdict} (exit ${impact.exitCode})\n` +
    list('Data volumes at risk', impact.dataAtRisk) +
    list('Service containers restarted', impact.restarts) +
    list('Planned changes', impact.changes)
  );
}
