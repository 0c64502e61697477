/**
 * The environment's fronts: which public name each front answers to, which front the edge
 * forwards to, and which names the edge must hide.
 */
import { containerName } from '../catalogue/services';
import { FrontRole, PublicName, Role } from '../catalogue/types';
import { InternalError } from '../constructs/errors';
import { Environment, ServerModel } from './model';

/** Public name of the front of a role (XUC_HOST of XiVO CC or of the UC-Addon). */
export function frontName(env: Environment, role: FrontRole): string {
  const name = env.publicNames[role === Role.CC ? PublicName.XUC_HOST : PublicName.UC_ADDON_HOST];
  if (!name) throw new InternalError(`publicNames.${role === Role.CC ? 'xucHost' : 'ucAddonHost'} is required for the ${role} front`);
  return name;
}

/** The front the edge forwards to: XiVO CC when deployed, else the UC-Addon. */
export function edgeTarget(env: Environment): { role: FrontRole; server: ServerModel } | undefined {
  for (const role of [Role.CC, Role.UC_ADDON] as const) {
    const server = env.placement.get(`${role}.nginx`);
    if (server) return { role, server };
  }
  return undefined;
}

/** Host of `ldap://host:port` or `host:port` (KDC list), without the port. */
const hostOf = (hostPort: string) => hostPort.replace(/^[a-z]+:\/\//i, '').replace(/[:/].*$/, '');

/**
 * Every internal name and address a browser must never see: public names, servers' addresses
 * and FQDNs, container names (the network aliases), the servers' Docker networks, and the
 * directory and Kerberos servers of the auth section.
 */
export function internalNames(env: Environment): string[] {
  const { ldap, kerberos } = env.auth;
  const names = [
    ...Object.values(env.publicNames).filter((n): n is string => typeof n === 'string'),
    ...env.servers.flatMap((s) => [s.address, s.fqdn ?? '', s.stackName, ...s.services.map(containerName)]),
    ...(ldap ? [hostOf(ldap.url)] : []),
    ...(kerberos ? [...kerberos.kdc, kerberos.adminServer].map(hostOf) : []),
  ].filter((n) => n && !/^\d+$/.test(n));
  return [...new Set(names)].sort();
}
