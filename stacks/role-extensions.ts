/**
 * Role-specific additions on top of the generic RoleDeployment (host custom.env + containers):
 * on the XiVO PBX, the environment's internal CA (mode internal-ca; the PBX stack deploys
 * first) and the CTI server's certificate (XiVO documentation, "CTI Server").
 */
import { Construct } from 'constructs';
import { PublicName, Role } from '../catalogue/types';
import { InternalCa } from '../constructs/tls/internal-ca';
import { certificateNames } from '../constructs/tls/tls-options';
import { XivoPbxTls } from '../constructs/xivo-pbx-tls';
import { certificateFor } from './certificates';
import { ServiceContext } from './service-factories';

export type RoleExtension = (scope: Construct, ctx: ServiceContext) => void;

function xivoPbxTls(scope: Construct, ctx: ServiceContext): void {
  const { environment: env, server } = ctx;
  const tls = env.tls;
  if (tls.mode === 'internal-ca') {
    InternalCa.create(scope, { environment: env.name, key: tls.key, validityDays: tls.caValidityDays, earlyRenewalDays: tls.earlyRenewalDays });
  }
  const xivoHost = env.publicNames[PublicName.XIVO_HOST]!;
  const fqdn = /^\d+(\.\d+){3}$/.test(xivoHost) ? server.fqdn : xivoHost;
  new XivoPbxTls(scope, 'tls', {
    deployment: ctx.deployment,
    ctiCertificate: fqdn ? certificateFor(scope, env, certificateNames(fqdn, [server.fqdn]), tls.cti?.provided) : undefined,
    ctiAuthBackend: tls.cti?.authBackend,
  });
}

export const ROLE_EXTENSIONS: Partial<Record<Role, readonly RoleExtension[]>> = {
  [Role.XIVO]: [xivoPbxTls],
};
