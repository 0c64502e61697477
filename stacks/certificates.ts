/** The certificate of a TLS endpoint, chosen from the environment's `tls.mode`. */
import { IConstruct } from 'constructs';
import { TerraformStack } from '../constructs/terraform-cdk';
import { Role } from '../catalogue/types';
import { InternalCa } from '../constructs/tls/internal-ca';
import { Certificate } from '../constructs/tls/certificate';
import { CertificateFiles } from '../constructs/tls/provided-certificate';
import { Environment, serversWithRole } from '../config/model';
import { InternalError } from '../constructs/errors';

/**
 * The CA of the environment, built with the XiVO PBX stack (which platform.ts builds before the
 * others). Other stacks use only its certificate or have it issue theirs, never its key.
 */
export function internalCaOf(scope: IConstruct, env: Environment): InternalCa {
  const pbx = serversWithRole(env, Role.XIVO)[0];
  const stack = pbx && (scope.node.root.node.tryFindChild(pbx.stackName) as TerraformStack | undefined);
  const ca = stack && InternalCa.inStack(stack);
  if (!ca) throw new InternalError('tls.mode internal-ca needs the CA of the XiVO PBX stack, which was not built first', scope);
  return ca;
}

/**
 * The certificate of an endpoint for `names` (the FQDN first): signed by the internal CA,
 * self-signed, or the operator's files (mode provided). Undefined in mode provided when the
 * endpoint has no files.
 */
export function certificateFor(scope: IConstruct, env: Environment, names: readonly string[], provided?: CertificateFiles): Certificate | undefined {
  const tls = env.tls;
  const options = { key: tls.key, validityDays: tls.validityDays, earlyRenewalDays: tls.earlyRenewalDays };
  switch (tls.mode) {
    case 'provided':
      return provided ? Certificate.fromFiles(provided, names, env.directory) : undefined;
    case 'self-signed':
      return Certificate.selfSigned(names, options);
    case 'internal-ca':
      return Certificate.fromInternalCa(internalCaOf(scope, env), names, options);
  }
}
