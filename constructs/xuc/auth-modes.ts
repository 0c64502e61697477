/**
 * Every authentication mode of xuc, for the config layer: the variables the modes compose (an
 * environment file may not override them) and their sensitive variables. A new mode adds its
 * class here, once.
 */
import { AuthCas } from './auth-cas';
import { AuthKerberos } from './auth-kerberos';
import { AuthLdap } from './auth-ldap';
import { AuthOidc } from './auth-oidc';
import { TRUSTSTORE_PASSWORD } from './truststore';
import { AuthModeInfo } from './xuc-feature';
import { XUC_COMPOSED_VARIABLES } from './xuc-variables';

export const AUTH_MODES: readonly AuthModeInfo[] = [AuthLdap.info, AuthKerberos.info, AuthCas.info, AuthOidc.info];

/** Variables of xuc and xucmgt that XucService and the modes compose: an override would silently drop a mode. */
export const MANAGED_XUC_VARIABLES: readonly string[] = [...new Set([...XUC_COMPOSED_VARIABLES, ...AUTH_MODES.flatMap((m) => m.managedVariables)])].sort();

/** Variables of xucmgt only that a mode composes (Kerberos: XUC_HOST is the principal's host). */
export const MANAGED_XUCMGT_VARIABLES: readonly string[] = [...new Set(AUTH_MODES.flatMap((m) => m.managedXucmgtVariables ?? []))].sort();

/** Every sensitive variable of xuc's features, by secret key. */
export const AUTH_SECRET_VARIABLES = {
  ...Object.assign({}, ...AUTH_MODES.map((m) => m.secrets ?? {})),
  truststorePassword: TRUSTSTORE_PASSWORD.name,
} as Readonly<Record<'ldapManagerPassword' | 'kerberosPassword' | 'truststorePassword', string>>;
