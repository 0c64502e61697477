/**
 * The impact report as Markdown, for a merge-request comment: data-loss risks first (red),
 * then per environment and server what restarts, why and what users notice, then one summary
 * line per environment. Only names appear (env keys, labels, files), never values, and every name
 * (and every cause naming one) in a code span fenced longer than any backtick run inside it: a
 * name that comes from an environment file (a containerPath, a host file) cannot become a link, an
 * image beacon, HTML or an `@all` mention in the merge-request note.
 */
import { ContainerImpact, EXIT_DATA_LOSS, EXIT_RESTARTS, ImpactReport, PLAIN_CAUSES, StackImpact } from './impact-report';

const ACTION_WORD: Readonly<Record<string, string>> = {
  replace: '**replaced**',
  destroy: '**removed**',
  create: 'created',
  import: 'adopted',
  update: 'updated in place',
};

/** Markdown table cells cannot hold `|` or line breaks. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * A name as a code span (CommonMark): fenced with one backtick more than its longest backtick run,
 * padded with a space when it starts or ends with a backtick or a space (the parser strips one of
 * each side); line breaks, which would end the line or the table row, become spaces.
 */
export function code(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  const text = name.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  if (text === '') return '` `';
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const PLAIN: ReadonlySet<string> = new Set(Object.values(PLAIN_CAUSES));
/** Causes, each a code span (they name env keys, files and paths), but those that name nothing. */
const causes = (why: readonly string[]) => why.map((w) => (PLAIN.has(w) ? w : code(w))).join('; ');

function containerRows(containers: readonly ContainerImpact[]): string[] {
  if (containers.length === 0) return [];
  return [
    '| container | change | why | user-visible effect |',
    '|---|---|---|---|',
    ...containers.map(
      (c) =>
        `| ${cell(c.kind === 'service' ? `${code(c.service)} (${code(c.container)})` : `${code(c.container)} (${c.kind} ${code(c.service)})`)} | ${ACTION_WORD[c.action]} | ${cell(causes(c.why))} | ${cell(c.effect)} |`,
    ),
  ];
}

function stackSection(s: StackImpact): string[] {
  // Service restarts first: they are what the reviewer looks for.
  const order = (c: ContainerImpact) => (c.kind === 'service' ? 0 : 1) + (c.action === 'replace' || c.action === 'destroy' ? 0 : 2);
  const containers = [...s.containers].sort((a, b) => order(a) - order(b) || a.container.localeCompare(b.container));
  const others = s.others.map((o) => {
    const why = o.action === 'replace' || o.action === 'update' ? `: ${causes(o.why)}` : '';
    return `- ${code(o.path ?? o.address)} (${code(o.address.split('.')[0])}): ${ACTION_WORD[o.action].replace(/\*/g, '')}${why}`;
  });
  return [
    `#### ${code(s.stack)} (server ${code(s.server)})`,
    '',
    ...containerRows(containers),
    ...(others.length ? ['', 'Other resources:', ...others] : []),
    '',
  ];
}

export function renderMarkdown(report: ImpactReport): string {
  const lines = [`## Deployment impact: ${report.compared}`, ''];
  if (report.dataLoss.length) {
    lines.push('### 🔴 Data loss risk', '');
    for (const d of report.dataLoss) {
      const guard = d.preventDestroy
        ? '`prevent_destroy` is set on it: Terraform will refuse this plan ("Instance cannot be destroyed") until the change is undone or the data is migrated.'
        : '**not protected by `prevent_destroy`: the data would be deleted.**';
      const renamed = d.createdInStack.length
        ? ` New volume${d.createdInStack.length > 1 ? 's' : ''} in the same stack: ${d.createdInStack.map(code).join(', ')} (a rename starts empty).`
        : '';
      lines.push(
        `- 🔴 **${code(d.stack)}**: volume ${code(d.volume)} would be ${d.action === 'destroy' ? 'destroyed' : 'replaced (destroyed and created empty)'} (${causes(d.why)}). ${guard}${renamed}`,
      );
    }
    lines.push('');
  }
  for (const env of report.environments) {
    if (env.stacks.length === 0) continue;
    lines.push(`### ${code(env.name)}`, '');
    for (const s of env.stacks) lines.push(...stackSection(s));
  }
  if (report.notCompared.length) {
    lines.push('### Inputs not compared', '', ...report.notCompared.map((i) => `- ${code(i.file)}: ${i.why}`), '');
  }
  lines.push('### Summary', '', ...report.environments.map((e) => `- ${e.summary}`), '');
  const added = report.environments.filter((e) => e.added && e.containersCreated > 0).map((e) => e.name);
  const restarts = report.environments.some((e) => e.containersReplaced || e.containersRemoved);
  const verdict =
    report.exitCode === EXIT_DATA_LOSS
      ? 'data volumes at risk: do not merge as is (exit 3)'
      : report.exitCode === EXIT_RESTARTS && added.length && !restarts
        ? `new environment${added.length > 1 ? 's' : ''} ${added.map(code).join(', ')}: every container is created; on servers taken over, what runs there stops first (runbook takeover.md): deploy in a maintenance window (exit 2)`
        : report.exitCode === EXIT_RESTARTS
          ? 'containers restart: deploy in a maintenance window (exit 2)'
          : 'no service restarts: no maintenance window needed (exit 0)';
  lines.push(`**Verdict:** ${verdict}.`, '');
  return lines.join('\n');
}
