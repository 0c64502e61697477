/**
 * The environment's fronts: which public name each front answers to, and which front the edge
 * forwards to. (The names the edge hides are the platform's: XivoPlatform.internalNames.)
 */
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
