/**
 * The environment's `auth` section as xuc features: which authentication modes the xuc and
 * xucmgt of a product get, and with which props. The one place that maps the model to the modes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FrontRole as XucRole, PublicName, Role } from '../catalogue/types';
import { PlanTimeFile } from '../constructs/plan-time-file';
import { AuthCas } from '../constructs/xuc/auth-cas';
import { AuthKerberos } from '../constructs/xuc/auth-kerberos';
import { AuthLdap } from '../constructs/xuc/auth-ldap';
import { AuthOidc } from '../constructs/xuc/auth-oidc';
import { OutboundQueue } from '../constructs/xuc/outbound-queue';
import { XucFeature } from '../constructs/xuc/xuc-feature';
import { frontsOf, xucFronts } from '../config/rules-auth';
import { Environment } from '../config/model';

/** The public names of the xuc fronts, as the rules read them. */
const frontNames = (env: Environment) => ({ xucHost: env.publicNames[PublicName.XUC_HOST], ucAddonHost: env.publicNames[PublicName.UC_ADDON_HOST] });

/** The Kerberos principal of the environment, when it names a front of this product. */
export function kerberosPrincipalFor(env: Environment, role: XucRole): string | undefined {
  const principal = env.auth.kerberos?.principal;
  if (!principal) return undefined;
  return frontsOf(frontNames(env), env.edge?.publicName, role === Role.UC_ADDON ? 'ucaddon' : 'cc').some((front) => principal === `HTTP/${front}`)
    ? principal
    : undefined;
}

/** The authentication modes of a product, in the order XucService composes them. */
export function authModesOf(env: Environment, role: XucRole): XucFeature[] {
  const { ldap, kerberos, cas, oidc } = env.auth;
  const file = (p: string) => path.resolve(env.directory, p);
  const modes: XucFeature[] = [];
  if (ldap) {
    const { caFile, ...props } = ldap;
    // The CA is public: read at synth to validate it and split the chain.
    modes.push(AuthLdap.mode({ ...props, caPem: caFile ? fs.readFileSync(file(caFile), 'utf8') : undefined }));
  }
  const principal = kerberosPrincipalFor(env, role);
  if (kerberos && principal) {
    const { keytabFile, ...props } = kerberos;
    modes.push(
      AuthKerberos.mode({
        ...props,
        principal,
        fronts: xucFronts(frontNames(env), env.edge?.publicName),
        keytab: PlanTimeFile.fromFile(file(keytabFile)),
      }),
    );
  }
  if (cas) modes.push(AuthCas.mode(cas));
  if (oidc) modes.push(AuthOidc.mode(oidc));
  return modes;
}

/** Every feature of a product's xuc: its authentication modes, then the outbound queue. */
export function xucFeaturesOf(env: Environment, role: XucRole): XucFeature[] {
  const queue = env.auth.outboundQueue;
  return [...authModesOf(env, role), ...(queue ? [OutboundQueue.feature(queue)] : [])];
}
