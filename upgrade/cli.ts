/**
 * `npm run upgrade -- --env NAME --to RELEASE [--health-timeout 300s] [--directory DIR] [--keep N] [--json FILE]`:
 * backs up, sets the release in the environment file, deploys tier by tier (PBX → MDS →
 * CC/UC-Addon → edge) checking after each tier that its services answer, and stops with the
 * rollback command at the first tier that fails (upgrade.ts). Exit 0 upgraded (a second plan
 * changes nothing), 1 otherwise.
 */
import * as fs from 'fs';
import * as os from 'os';
import { parseArgs } from 'util';
import { DEFAULT_BACKUP_RETENTION } from '../catalogue/backups';
import { COMMON_OPTIONS, runCommand, synthesize, UsageError } from '../backup/cli';
import { readEstate } from '../backup/estate';
import { upgrade } from './upgrade';

export const UPGRADE_USAGE = `usage: npm run upgrade -- --env NAME --to RELEASE [--health-timeout 300s] [--directory DIR] [--keep N] [--output DIR] [--json FILE]
  --to RELEASE          the XiVO release to move to (2024.10, Naos...): written into the environment file
  --health-timeout DUR  how long a tier's services may take to answer (default 300s)
  On a failed tier it stops and prints the rollback: npm run upgrade -- --env NAME --to <previous release>`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ...COMMON_OPTIONS,
      to: { type: 'string' },
      keep: { type: 'string', default: String(DEFAULT_BACKUP_RETENTION) },
      'health-timeout': { type: 'string', default: '300s' },
    },
  });
  if (values.help) {
    console.log(UPGRADE_USAGE);
    return 0;
  }
  if (!values.env || !values.to) throw new UsageError(`--env and --to are required\n${UPGRADE_USAGE}`);
  if (values.server) throw new UsageError('--server: an upgrade moves the whole environment, tier by tier');
  const timeout = /^(\d+)(s|m)$/.exec(values['health-timeout']!);
  if (!timeout) throw new UsageError(`--health-timeout: a duration such as 90s or 5m, not "${values['health-timeout']}"`);
  const keep = Number(values.keep);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep: a positive integer, not "${values.keep}"`);
  process.umask(0o077);
  const outdir = values.output!;
  const result = await upgrade({
    environment: values.env,
    to: values.to,
    outdir,
    env: process.env,
    synthesize: () => synthesize(outdir),
    readStacks: () => readEstate(outdir, values.env!),
    backupDirectory: values.directory,
    keep,
    pgUser: values['pg-user'],
    healthTimeoutMs: Number(timeout[1]) * (timeout[2] === 'm' ? 60_000 : 1000),
    concurrency: Math.max(4, os.cpus().length * 2),
    log: (line) => console.log(line),
  });
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  return result.ok ? 0 : 1;
}

if (require.main === module) runCommand('upgrade', main);
