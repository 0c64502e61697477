/**
 * Terraform's failures, told in the operator's terms: which server and which Docker engine did not
 * answer, which state is locked and what to do, which leftover container is in the way.
 */
import { Diagnostic } from './terraform';
import { StackInfo } from './stack-info';

/** Errors of the Docker client or of ssh when the engine cannot be reached or stops answering. */
const UNREACHABLE = [
  /error during connect/i,
  /Cannot connect to the Docker daemon/i,
  /dial-stdio/i,
  /ssh: connect to host/i,
  /ssh_exchange_identification|kex_exchange_identification|Connection closed by/i,
  /Host key verification failed/i,
  /Permission denied \(publickey/i,
  /connection (refused|reset|timed out)/i,
  /i\/o timeout|no route to host|network is unreachable|broken pipe|unexpected EOF|context deadline exceeded/i,
  /Error pinging Docker server|Error initializing Docker client/i,
];

const textOf = (d: Diagnostic) => `${d.summary}\n${d.detail}`;

export const isLockError = (diagnostics: readonly Diagnostic[]) => diagnostics.some((d) => /Error acquiring the state lock/i.test(d.summary));
export const isStalePlan = (diagnostics: readonly Diagnostic[]) => diagnostics.some((d) => /Saved plan is stale/i.test(d.summary));
export const isUnreachable = (d: Diagnostic) => UNREACHABLE.some((re) => re.test(textOf(d)));

export interface Leftover {
  /** Resource address in the stack. */
  readonly address: string;
  /** What `terraform import` takes: the container's id, or the network's name. */
  readonly id: string;
  readonly kind: 'container' | 'network';
  readonly name: string;
}

/**
 * Objects a previous, interrupted apply created on the host but never recorded in the state: the
 * Docker engine refuses to create them again under the same name.
 */
export function leftoversOf(diagnostics: readonly Diagnostic[]): Leftover[] {
  const out: Leftover[] = [];
  for (const d of diagnostics) {
    if (!d.address) continue;
    const container = /The container name "\/([^"]+)" is already in use by container "([0-9a-f]+)"/.exec(textOf(d));
    if (container) out.push({ address: d.address, id: container[2], kind: 'container', name: container[1] });
    const network = /network with name (\S+) already exists/.exec(textOf(d));
    if (network) out.push({ address: d.address, id: network[1], kind: 'network', name: network[1] });
  }
  return out;
}

/** `Docker host of server cc-core (ssh://root@10.0.0.3 via root@bastion)`. */
export function hostLabel(stack: StackInfo): string {
  return `Docker host of server ${stack.server} (${stack.docker.url}${stack.docker.jump ? ` via ${stack.docker.jump}` : ''})`;
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** The runbook synth writes for every environment: what to do after an interrupted deploy. */
export const runbookOf = (stack: StackInfo, outdir: string) => `${outdir}/runbooks/${stack.environment}/interrupted-deploy.md`;

/** Lines explaining why `phase` of `stack` failed. */
export function explain(stack: StackInfo, phase: string, diagnostics: readonly Diagnostic[], text: string, outdir: string): string[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const lines: string[] = [];
  if (isLockError(errors)) {
    const pg = stack.backend.type === 'pg';
    lines.push(
      `${stack.name}: ${phase} refused: the state (${stack.backend.type} backend, ${stack.backend.location}) is locked by another Terraform run.`,
      pg
        ? `  Terraform's "Lock Info" describes this run's own request: the pg backend records no holder. If no deploy is running ` +
            `(its machine crashed or lost its network), the lock stays until that database session ends: release it as ` +
            `${runbookOf(stack, outdir)} says (terraform force-unlock does not release a pg lock).`
        : `  If no deploy is running (its machine crashed), release it as ${runbookOf(stack, outdir)} says.`,
    );
    for (const d of errors.filter((e) => isLockError([e]))) lines.push(indent(`${d.summary}\n${d.detail}`));
  }
  const unreachable = errors.filter(isUnreachable);
  if (unreachable.length) {
    lines.push(`${stack.name}: ${phase} failed: the ${hostLabel(stack)} did not answer.`);
  }
  for (const d of errors) {
    if (isLockError([d])) continue;
    lines.push(`${stack.name}: ${phase} failed${d.address ? ` on ${d.address}` : ''}${isUnreachable(d) ? ` (${hostLabel(stack)})` : ''}:`);
    lines.push(indent(d.detail ? `${d.summary}\n${d.detail}` : d.summary));
  }
  if (!errors.length) lines.push(`${stack.name}: ${phase} failed:`, indent(text.split('\n').slice(-40).join('\n') || '(no output)'));
  return lines;
}
