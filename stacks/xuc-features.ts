/**
 * The environment file's `auth` section as xuc features: which authentication modes the xuc and
 * xucmgt of a product get, and with which props. The one place that maps YAML to the modes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FrontRole as XucRole, Role } from '../catalogue/types';
import { PlanTimeFile } from '../constructs/plan-time-file';
import { AuthCas } from '../constructs/xuc/auth-cas';
import { AuthKerberos } from '../constructs/xuc/auth-kerberos';
import { AuthLdap } from '../constructs/xuc/auth-ldap';
import { AuthOidc } from '../constructs/xuc/auth-oidc';
import { OutboundQueue } from '../constructs/xuc/outbound-queue';
import { XucFeature } from '../constructs/xuc/xuc-feature';
import { frontsOf, xucFronts } from '../config/rules-auth';
import { Environment } from '../config/model';

/** The Kerberos principal of the environment, when it names a front of this product. */
export function kerberosPrincipalFor(env: Environment, role: XucRole): string | undefined {
  const kerberos = env.spec.auth?.kerberos;
  if (!kerberos) return undefined;
  const principal = kerberos.principal ?? `HTTP/${env.publicNames.xucHost}`;
  return frontsOf(env.spec, role === Role.UC_ADDON ? 'ucaddon' : 'cc').some((front) => principal === `HTTP/${front}`) ? principal : undefined;
}

/** The authentication modes of a product, in the order XucService composes them. */
export function authModesOf(env: Environment, role: XucRole): XucFeature[] {
  const auth = env.spec.auth;
  const file = (p: string) => path.resolve(env.directory, p);
  const modes: XucFeature[] = [];
  if (auth?.ldap) {
    const { caFile, ...ldap } = auth.ldap;
    // The CA is public: read at synth to validate it and split the chain.
    modes.push(AuthLdap.mode({ ...ldap, caPem: caFile ? fs.readFileSync(file(caFile), 'utf8') : undefined }));
  }
  const principal = kerberosPrincipalFor(env, role);
  if (auth?.kerberos && principal) {
    const { keytabFile, ...kerberos } = auth.kerberos;
    modes.push(AuthKerberos.mode({ ...kerberos, principal, fronts: xucFronts(env.spec), keytab: PlanTimeFile.fromFile(file(keytabFile)) }));
  }
  if (auth?.cas) modes.push(AuthCas.mode(auth.cas));
  if (auth?.oidc) modes.push(AuthOidc.mode(auth.oidc));
  return modes;
}

/** Every feature of a product's xuc: its authentication modes, then the outbound queue. */
export function xucFeaturesOf(env: Environment, role: XucRole): XucFeature[] {
  const queue = env.spec.auth?.outboundQueue;
  return [...authModesOf(env, role), ...(queue ? [OutboundQueue.feature(queue)] : [])];
}
