/**
 * `npm run backup -- --env NAME [--server NAME] [--directory DIR] [--keep N] [--json FILE]`: backs up
 * every data volume of the environment's servers (or one server's) on their own hosts (backup.ts).
 * Exit 0 when every server's backup is complete, 1 otherwise (each failure named).
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { DEFAULT_BACKUP_DIRECTORY, DEFAULT_BACKUP_RETENTION } from '../catalogue/backups';
import { ConfigError } from '../config/errors';
import { cachedSynth } from '../synth/synth-cache';
import { backupStacks } from './backup';
import { readEstate } from './estate';

export const BACKUP_USAGE = `usage: npm run backup -- --env NAME [--server NAME] [--directory DIR] [--keep N] [--pg-user NAME] [--reason TEXT] [--output DIR] [--json FILE]
  --directory DIR   backup directory on each host (default ${DEFAULT_BACKUP_DIRECTORY}); backups go to DIR/<env>/<server>/<id>/
  --keep N          complete backups kept per server (default ${DEFAULT_BACKUP_RETENTION})
  --pg-user NAME    the PostgreSQL superuser of the dumps (default the catalogue's: postgres, inferred)`;

/** A command line the command cannot run with. */
export class UsageError extends Error {}

/** Options shared by backup, restore, drift and upgrade. */
export const COMMON_OPTIONS = {
  env: { type: 'string' },
  server: { type: 'string' },
  directory: { type: 'string', default: DEFAULT_BACKUP_DIRECTORY },
  output: { type: 'string', default: process.env.CDKTF_OUTDIR || 'cdktf.out' },
  json: { type: 'string' },
  'pg-user': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

/** Synthesizes (from the cache when nothing changed) into `outdir`, as deploy does. */
export function synthesize(outdir: string): void {
  cachedSynth({ outdir, onWarning: (w) => console.warn(`warning: ${w}`) });
}

/** Runs `main` as a command: its exit code, or 1 with the message of what went wrong. */
export function runCommand(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(e instanceof UsageError || e instanceof ConfigError ? e.message : `${name} failed: ${e.message}`);
      process.exit(1);
    },
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ...COMMON_OPTIONS,
      keep: { type: 'string', default: String(DEFAULT_BACKUP_RETENTION) },
      reason: { type: 'string', default: 'on demand' },
    },
  });
  if (values.help) {
    console.log(BACKUP_USAGE);
    return 0;
  }
  if (!values.env) throw new UsageError(`--env is required\n${BACKUP_USAGE}`);
  const keep = Number(values.keep);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep: a positive integer, not "${values.keep}"`);
  synthesize(values.output!);
  const stacks = readEstate(values.output!, values.env, values.server);
  const log = (line: string) => console.log(`backup: ${line}`);
  try {
    const done = await backupStacks(stacks, { directory: values.directory, keep, pgUser: values['pg-user'], reason: values.reason, log });
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(done, null, 2)}\n`);
    return 0;
  } catch (e) {
    const done = (e as { done?: unknown }).done;
    if (values.json && done) fs.writeFileSync(values.json, `${JSON.stringify(done, null, 2)}\n`);
    throw e;
  }
}

if (require.main === module) runCommand('backup', main);
