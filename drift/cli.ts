/**
 * `npm run drift -- --env NAME [--server NAME] [--json FILE] [--no-renew]`: what differs on each
 * server from the last deploy (drift.ts), changing nothing; and the certificates that expire
 * within 30 days. Internal ones are renewed on this run (a deploy of the environment that
 * replaces them, `-replace`, and so whatever holds them) unless --no-renew; a provided one names its file.
 *
 * Exit code: 0 no drift, 2 drift found (or a provided certificate to replace), 1 could not check
 * (a host unreachable, no state, bad arguments) or the renewal failed.
 */
import * as fs from 'fs';
import * as os from 'os';
import { parseArgs } from 'util';
import { COMMON_OPTIONS, runCommand, synthesize, UsageError } from '../backup/cli';
import { readEstate } from '../backup/estate';
import { deploy } from '../deploy/deploy';
import { driftExitCode, EXIT_UNCHECKED, renderDrift, StackDrift, stackDrift } from './drift';

export const DRIFT_USAGE = `usage: npm run drift -- --env NAME [--server NAME] [--json FILE] [--days N] [--no-renew] [--output DIR]
  exit 0: no drift; 2: drift found (or a provided certificate to replace); 1: could not check
  --days N     report certificates expiring within N days (default 30)
  --no-renew   report expiring internal certificates without renewing them`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { ...COMMON_OPTIONS, days: { type: 'string', default: '30' }, 'no-renew': { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(DRIFT_USAGE);
    return 0;
  }
  if (!values.env) throw new UsageError(`--env is required\n${DRIFT_USAGE}`);
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 0) throw new UsageError(`--days: a whole number of days, not "${values.days}"`);
  synthesize(values.output!);
  const stacks = readEstate(values.output!, values.env, values.server);
  // Read-only: every stack at once (each refresh waits on its host, not on the CPU).
  const results: StackDrift[] = await Promise.all(stacks.map((s) => stackDrift(s, { env: process.env, certificateDays: days })));
  process.stdout.write(renderDrift(results));
  let code = driftExitCode(results);
  const renew = results.flatMap((r) => r.certificates.filter((c) => c.source === 'internal'));
  let renewal: string | undefined;
  if (renew.length && !values['no-renew']) {
    console.log(
      `drift: renewing ${renew.length} internal certificate(s) (${renew.map((c) => c.subject).join(', ')}): a deploy of ${values.env} replaces them and whatever holds them`,
    );
    const all = readEstate(values.output!, values.env).map((s) => s.info);
    const replace: Record<string, string[]> = {};
    for (const c of renew) replace[c.stack] = [...(replace[c.stack] ?? []), c.subject];
    const result = await deploy({
      outdir: values.output!,
      stacks: all,
      replace,
      env: process.env,
      concurrency: Math.max(4, os.cpus().length * 2),
      log: (line) => console.log(line),
    });
    const bad = result.stacks.filter((s) => ['failed', 'skipped'].includes(s.result));
    renewal = bad.length ? `failed: ${bad.map((s) => s.name).join(', ')}` : 'renewed';
    if (bad.length) code = EXIT_UNCHECKED;
  }
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ exitCode: code, renewal, stacks: results }, null, 2)}\n`);
  return code;
}

if (require.main === module) runCommand('drift', main);
