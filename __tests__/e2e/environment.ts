/**
 * The end-to-end environment: a split XiVO CC over real test hosts, written at test time
 * (addresses, Docker TLS files and the LDAP CA exist only then).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pinnedHelperImage, TestHost } from './harness';

export const E2E_ENV = 'e2e';
/** Host specs for scripts/e2e/hosts.sh: cc-core is reached over tcp:// with client TLS. */
export const HOST_SPECS = ['pbx', 'cc-core:tls', 'cc-reporting', 'edge'] as const;
export const PUBLIC = { xivoHost: 'pbx.e2e.test', xucHost: 'cc.e2e.test', edge: 'rpx.e2e.test' } as const;

export interface EnvironmentSettings {
  readonly loginTimeoutMs: number;
  /** services.cc.xuc.memoryMb @default the catalogue's */
  readonly xucMemoryMb?: number;
  /** Where state lives: local files beside the environment, or the pg backend (PG_CONN_STR at plan time). @default 'local' */
  readonly backend?: 'local' | 'pg';
  /**
   * ssh client files of the hosts that run sshd (TestHost.ssh): they are reached over ssh:// with
   * these sshOpts (key-only, known_hosts pinned, StrictHostKeyChecking yes, through their jump
   * host when they have one). @default every host over its unix socket or tcp://
   */
  readonly ssh?: { readonly identity: string; readonly knownHosts: string };
}

/** The docker.sshOpts of a host reached over ssh: what the README documents for operators. */
export function sshOptsOf(host: TestHost, ssh: NonNullable<EnvironmentSettings['ssh']>): string[] {
  return [
    '-i',
    ssh.identity,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${ssh.knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    // A host that stops answering fails its stack in seconds instead of hanging the deploy.
    '-o',
    'ConnectTimeout=5',
    '-o',
    'ServerAliveInterval=2',
    '-o',
    'ServerAliveCountMax=3',
    ...(host.sshJump ? ['-J', host.sshJump] : []),
  ];
}

/** Writes `<dir>/e2e.yaml` (and its TLS and CA files beside it); returns its path. */
export function writeEnvironment(dir: string, hosts: readonly TestHost[], tlsDir: string, settings: EnvironmentSettings): string {
  fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
  for (const f of ['ca.pem', 'client.pem', 'client-key.pem']) fs.copyFileSync(path.join(tlsDir, f), path.join(dir, 'files', `docker-${f}`));
  const ldapCa = path.join(dir, 'files/ldap-ca.pem');
  if (!fs.existsSync(ldapCa)) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, 'files/ldap-ca-key.pem'),
        '-out',
        ldapCa,
        '-days',
        '2',
        '-subj',
        '/CN=e2e directory CA',
      ],
      { stdio: 'ignore' },
    );
  }
  const host = (name: string) => hosts.find((h) => h.name === name)!;
  const server = (name: string, roles: string, extra = '') => {
    const h = host(name);
    const docker =
      h.ssh && settings.ssh
        ? `      host: ${h.ssh}\n      sshOpts: ${JSON.stringify(sshOptsOf(h, settings.ssh))}`
        : h.tcp
          ? `      host: ${h.tcp}\n      tls: { caFile: files/docker-ca.pem, certFile: files/docker-client.pem, keyFile: files/docker-client-key.pem }`
          : `      host: ${h.socket}`;
    return `  - name: ${name}\n    address: ${h.address}\n    fqdn: ${name}.e2e.test\n    docker:\n${docker}\n    roles: [${roles}]\n${extra}`;
  };
  const yaml = `# Written by the end-to-end suite (__tests__/e2e): a split XiVO CC on test hosts.
name: ${E2E_ENV}
release: "2024.05"
helperImage: ${pinnedHelperImage()}
${settings.backend === 'pg' ? 'backend:\n  type: pg\n' : 'backend:\n  type: local\n  directory: state\n'}publicNames:
  xivoHost: ${PUBLIC.xivoHost}
  xucHost: ${PUBLIC.xucHost}
servers:
${server('pbx', 'xivo')}
${server('cc-core', 'cc', '    services: [cc.pgxivocc, cc.xivo-db-replication, cc.xivo-full-stats, cc.xuc, cc.xucmgt, cc.nginx]\n')}
${server('cc-reporting', 'cc')}
${server('edge', 'edge')}
auth:
  loginTimeoutMs: ${settings.loginTimeoutMs}
  ldap:
    url: ldaps://ldap.e2e.test:636
    managerDN: uid=xuc-reader,ou=services,dc=e2e,dc=test
    searchBase: ou=people,dc=e2e,dc=test
    userSearchFilter: (&(objectClass=inetOrgPerson)(uid=%s))
    caFile: files/ldap-ca.pem
  oidc:
    serverUrl: https://id.e2e.test/realms/xivo
    clientId: xivo-web
    xucClientIds: [xivo-web, xivo-mobile]
${settings.xucMemoryMb ? `services:\n  cc.xuc:\n    memoryMb: ${settings.xucMemoryMb}\n` : ''}tls:
  mode: internal-ca
edge:
  publicName: ${PUBLIC.edge}
`;
  const file = path.join(dir, 'e2e.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}
