/**
 * The runbook of an interrupted deploy (`runbooks/<env>/interrupted-deploy.md`): what a re-run
 * does, and how to release a state lock left by a deploy that cannot release it any more, for the
 * environment's own backend and stacks. The end-to-end suite follows it once (pg).
 */
import { BackendSpec } from '../config/schema';
import { Environment, ServerModel } from '../config/model';
import { pgSchemaOf } from './server-stack';

function lockSection(env: Environment, order: readonly ServerModel[], keyStacks: readonly string[]): string {
  const backend: BackendSpec = env.backend;
  switch (backend.type) {
    case 'pg': {
      const schemas = [...order.map((s) => s.stackName), ...keyStacks]
        .map(
          (stack) => `| \`${stack}\` | \`${pgSchemaOf(env, stack)}\` | \`SELECT id FROM ${pgSchemaOf(env, stack)}.states WHERE name = 'default';\` |`,
        )
        .join('\n');
      return `State lives in PostgreSQL (\`backend: pg\`), one schema per stack:

| stack | schema | its state's id |
|---|---|---|
${schemas}

The pg backend locks a state with a PostgreSQL advisory lock (key: the state's id) held by the
deploying session: the lock lasts exactly as long as that database connection. So:

- a deploy killed on its machine (Ctrl-C twice, \`kill -9\`, an OOM kill) leaves **no lock**: the
  kernel closes the connection and PostgreSQL releases it at once;
- a deploy whose machine crashed or lost its network leaves the lock held by a session whose client
  is gone, until PostgreSQL notices (TCP keepalive: about two hours by default). Meanwhile every
  deploy of that stack fails with \`Error acquiring the state lock\` ... \`Workspace is already locked\`.
  Terraform's "Lock Info" in that message describes the *new* request: the pg backend records no holder.
- \`terraform force-unlock\` does **not** release a pg lock (it reports success and changes nothing).

Release a stale lock with the credentials deploy uses (\`psql "$PG_CONN_STR"\`):

1. List the advisory locks and the sessions holding them:

   \`\`\`sql
   SELECT l.objid AS state_id, a.pid, a.client_addr, a.backend_start, a.state, a.state_change
   FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'advisory' AND l.granted;
   \`\`\`

   \`state_id\` is the id of the locked stack's state (last column of the table above).
   A stack never deployed before is locked with the creation lock instead, \`state_id\` 4294967295
   (key -1), held by the session creating its first state.
2. Make sure that no deploy is running from \`client_addr\` (the machine is down, or its deploy
   process is gone): terminating the session of a running apply loses what it has not saved yet.
3. End that session: \`SELECT pg_terminate_backend(<pid>);\` (the role that owns the session may end it).
4. Deploy again.`;
    }
    case 's3':
      return `State lives in S3 (\`backend: s3\`)${backend.dynamodbTable ? `, locked in the DynamoDB table \`${backend.dynamodbTable}\`` : ' without a lock table: two deploys at once are not prevented'}.
A deploy that crashed keeps its lock item. The error names it: \`Lock Info: ID: <lock id>\`. When no deploy
is running, release it in the stack's directory: \`(cd cdktf.out/stacks/<stack> && terraform force-unlock <lock id>)\`.`;
    case 'http':
      return `State lives behind \`${backend.address}\` (\`backend: http\`): a crashed deploy keeps the server's lock.
The error names it (\`Lock Info: ID: <lock id>\`). When no deploy is running, release it in the stack's
directory: \`(cd cdktf.out/stacks/<stack> && terraform force-unlock <lock id>)\`, with \`TF_HTTP_USERNAME\`/\`TF_HTTP_PASSWORD\` set.`;
    default:
      return `State lives in local files (\`backend: local\`). Their lock is an operating-system lock on the
state file: it ends with the process, so a crashed deploy leaves none. Two deploys of one environment
from two machines are not prevented: use a remote backend (pg, s3 with a lock table, http) for that.`;
  }
}

/** @param keyStacks the servers' key stacks (`<env>-<server>-key`), whose states are locked the same way */
export function interruptedDeployRunbook(env: Environment, order: readonly ServerModel[], keyStacks: readonly string[] = []): string {
  return `# After an interrupted deploy: environment \`${env.name}\`

A deploy stopped in the middle (Ctrl-C, a killed process, a crashed machine, a Docker host that
stopped answering) converges when it is run again, unchanged:

\`\`\`sh
npm run deploy -- --env ${env.name}
\`\`\`

What the re-run does:

- it plans every stack again with a full refresh, so containers removed or stopped since show up as
  changes and are recreated (the docker provider removes a stopped container it manages when it reads
  it, and the apply creates it again);
- a container or network that the interrupted apply had created but not yet recorded in the state is in
  the way of the new one ("the container name … is already in use"): deploy imports it, and the apply
  replaces it, when the deploy journal of that stack on this machine
  (\`cdktf.out/stacks/<stack>/.terraform/xivo-deploy-journal.jsonl\`) shows that an apply from here
  created it. Anything else of that name is left alone and the stack fails naming it; after a deploy
  interrupted on *another* machine, check its labels
  (\`docker inspect -f '{{json .Config.Labels}}' <name>\` shows \`org.xivo.environment=${env.name}\` and
  the server), remove it with \`docker rm -f <name>\` and deploy again (see also \`takeover.md\`);
- data volumes are never recreated: an existing volume of the same name is reused as it is;
- a stack whose Docker host does not answer fails with the server and its engine URL; the stacks that do
  not depend on it are deployed; the stacks after it are skipped until it answers again.

When a stack fails with \`Error acquiring the state lock\`, another deploy holds its state, or held it
and could not release it:

${lockSection(env, order, keyStacks)}

Afterwards \`npm run deploy -- --env ${env.name} --plan\` exits 0: nothing left to change.
`;
}
