/**
 * Role-specific additions on top of the generic RoleDeployment (host custom.env + containers):
 * e.g. the CTI server certificate on the XiVO PBX (seed 004).
 */
import { Construct } from 'constructs';
import { Role } from '../catalogue/types';
import { ServiceContext } from '../constructs/service-container';
import { XivoPbxTls } from '../constructs/xivo-pbx-tls';

export type RoleExtension = (scope: Construct, ctx: ServiceContext) => void;

export const ROLE_EXTENSIONS: Partial<Record<Role, readonly RoleExtension[]>> = {
  [Role.XIVO]: [(scope, ctx) => new XivoPbxTls(scope, 'tls', ctx)],
};
