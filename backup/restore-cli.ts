/**
 * `npm run restore -- --env NAME --server NAME --backup ID|latest [--service ID] [--directory DIR]`:
 * puts a backup back on one server (restore.ts; runbook: docs/operations.md, "Restore").
 * Exit 0 when restored, 1 otherwise (nothing is touched when the backup's checksums differ).
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { COMMON_OPTIONS, runCommand, synthesize, UsageError } from './cli';
import { readEstate } from './estate';
import { listBackups, restoreServer } from './restore';

export const RESTORE_USAGE = `usage: npm run restore -- --env NAME --server NAME --backup ID|latest [--service ID] [--directory DIR] [--pg-user NAME] [--list] [--output DIR] [--json FILE]
  --backup ID|latest   which backup (npm run restore -- --env NAME --server NAME --list shows them)
  --service ID         only this service's data (cc.pgxivocc, cc.recording-server...)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { ...COMMON_OPTIONS, backup: { type: 'string' }, service: { type: 'string' }, list: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(RESTORE_USAGE);
    return 0;
  }
  if (!values.env || !values.server || (!values.backup && !values.list))
    throw new UsageError(`--env, --server and --backup are required\n${RESTORE_USAGE}`);
  synthesize(values.output!);
  const [stack] = readEstate(values.output!, values.env, values.server);
  if (values.list) {
    (await listBackups(stack, values.directory)).forEach((id) => console.log(id));
    return 0;
  }
  const result = await restoreServer(stack, {
    backup: values.backup!,
    service: values.service,
    directory: values.directory,
    pgUser: values['pg-user'],
    log: (line) => console.log(`restore: ${line}`),
  });
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

if (require.main === module) runCommand('restore', main);
