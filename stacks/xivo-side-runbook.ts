/**
 * The XiVO-side runbook of an environment with a xuc (`runbooks/<env>/xivo-side.md`): what
 * XiVO must grant xuc besides the token (CTI user, web-services user, AMI on the PBX and each
 * MDS over its VoIP address, pg_hba for the CC servers, "Multiqueues call stats sharing"), and
 * which env variables and Terraform variables carry the credentials. No secrets.
 */
import { AMI_PORT, XUC_CREDENTIALS, XucCredential } from '../catalogue/xuc-credentials';
import { containerName } from '../catalogue/services';
import { Role } from '../catalogue/types';
import { Environment } from '../config/model';

/** Servers that run a xuc (XiVO CC or UC-Addon). */
export function xucServers(env: Environment) {
  return env.servers.filter((s) => s.services.some((d) => d.name === 'xuc'));
}

/** The xuc container of a server (`xivocc-xuc` for XiVO CC, `ucaddon-xuc` for the UC-Addon). */
function xucContainerOf(server: ReturnType<typeof xucServers>[number]): string {
  return containerName(server.services.find((d) => d.name === 'xuc')!);
}

export function xivoSideRunbook(env: Environment): string {
  const creds = env.xucCredentials;
  const xucs = xucServers(env);
  const ccAddresses = [
    ...new Set([...xucs, ...env.servers.filter((s) => s.services.some((d) => d.id === 'cc.xivo-db-replication'))].map((s) => s.address)),
  ];
  const pbx = env.servers.find((s) => s.roles.includes(Role.XIVO));
  const mds = env.servers.filter((s) => s.roles.includes(Role.MDS));
  const user = (c: 'ctiUser' | 'webServicesUser' | 'amiUser') => creds[c];
  const envName = (c: XucCredential) => creds.envNames[c];
  const rows = (Object.keys(XUC_CREDENTIALS) as XucCredential[]).map((c) => {
    const fact = XUC_CREDENTIALS[c];
    const value = fact.secretVariable ? `\`TF_VAR_${fact.secretVariable}\`` : `\`${user(c as 'ctiUser')}\``;
    return `| ${fact.what} | \`${envName(c)}\` (${creds.envNamesGiven.includes(c) ? 'set in the environment file' : fact.envConfidence}) | ${value} |`;
  });
  return `# XiVO-side steps for xuc: environment \`${env.name}\`

A working xuc needs more than \`PLAY_AUTH_TOKEN\`. \`xivocc-installer\` does these steps on a fresh
install; on a takeover they are normally done already: check each one. xuc runs on
${xucs.map((s) => `\`${s.name}\` (${s.address})`).join(', ')}.

## What xuc gets, and from where

The variable names xuc reads are not public: those marked "inferred" must be confirmed with
\`xivocc-dcomp config\` on a real XiVO CC host (look for the CTI, web-services and AMI settings of
\`xuc\`) and, if different, set under \`xucCredentials.envNames\` in the environment file. Until
every name is set there, synth ends with one short note saying so.

| credential | xuc variable | value |
|---|---|---|
${rows.join('\n')}

Export the secrets before \`cdktf diff\`/\`deploy\` of the stacks that run xuc (only those declare them):
\`TF_VAR_xuc_cti_password\` (the xuc user's password XiVO generated: on an existing install, the
value \`xivocc-dcomp config\` shows), \`TF_VAR_xuc_ws_password\`, \`TF_VAR_xuc_ami_secret\`.

## On the XiVO PBX${pbx ? ` (\`${pbx.name}\`, ${pbx.address})` : ''}

1. **CTI user** \`${user('ctiUser')}\`: Services → IPBX → Users; it exists after \`xivocc-installer\`; its
   password is the value of \`TF_VAR_xuc_cti_password\`.
2. **Web-services user** \`${user('webServicesUser')}\`: Configuration → Web Services Access, allowed from
   ${ccAddresses.map((a) => `\`${a}\``).join(', ')}, password \`TF_VAR_xuc_ws_password\`.
3. **AMI** user \`${user('amiUser')}\` with secret \`TF_VAR_xuc_ami_secret\`, reachable on port ${AMI_PORT} from
   ${xucs.map((s) => `\`${s.address}\``).join(', ')} (AMI listens on 127.0.0.1 only by default).
4. **PostgreSQL**: a \`pg_hba.conf\` entry for each CC server (${ccAddresses.map((a) => `\`${a}/32\``).join(', ')}),
   then reload PostgreSQL.
5. **"Multiqueues call stats sharing"** enabled (XiVO web interface, general settings of queues).

## On each MDS

${mds.length ? mds.map((m) => `- \`${m.name}\`: AMI user \`${user('amiUser')}\` reachable on its VoIP address ${m.address}:${AMI_PORT} from ${xucs.map((s) => `\`${s.address}\``).join(', ')} ("XDS - AMI configuration for xuc VoIP IP").`).join('\n') : 'No MDS in this environment.'}

## Checks

On each server that runs xuc:
${xucs.map((s) => `- \`${s.name}\`: \`nc -vz ${pbx?.address ?? '<PBX>'} ${AMI_PORT}\`${mds.map((m) => `, \`nc -vz ${m.address} ${AMI_PORT}\``).join('')}; \`docker logs ${xucContainerOf(s)}\` shows the CTI and AMI connections established, no authentication failure.`).join('\n')}
`;
}
