/**
 * Every authentication mode of xuc, as data (no cdktf): its key in the environment file, the
 * variables it composes (an environment file may not override them, or a mode would silently lose
 * a setting) and the names of its sensitive Terraform variables. The config layer validates
 * environment files with it without loading the constructs; each mode's construct takes its
 * `info` from here. A new mode adds its entry here, once.
 */
import { XUC_COMPOSED_VARIABLES } from './xuc-defaults';

/**
 * What the config layer needs to know of an authentication mode without building it: the
 * variables it composes and the sensitive Terraform variables it declares.
 */
export interface AuthModeInfo {
  /** Key of the mode in the environment file's `auth` section. */
  readonly name: string;
  /** Variables the mode sets on xuc and, where it has them, on xucmgt. */
  readonly managedVariables: readonly string[];
  /** Variables the mode sets on xucmgt only. @default none */
  readonly managedXucmgtVariables?: readonly string[];
  /** Sensitive Terraform variables of the mode, by secret key. @default none */
  readonly secrets?: Readonly<Record<string, string>>;
}

/** `auth.ldap`: AuthLdap. */
export const LDAP_MODE: AuthModeInfo = { name: 'ldap', managedVariables: [], secrets: { ldapManagerPassword: 'ldap_manager_password' } };

/** `auth.kerberos`: AuthKerberos (xucmgt's XUC_HOST is the principal's host). */
export const KERBEROS_MODE: AuthModeInfo = {
  name: 'kerberos',
  managedVariables: ['USE_SSO'],
  managedXucmgtVariables: ['XUC_HOST'],
  secrets: { kerberosPassword: 'kerberos_password' },
};

/** `auth.cas`: AuthCas. */
export const CAS_MODE: AuthModeInfo = { name: 'cas', managedVariables: ['CAS_LOGOUT_ENABLE', 'CAS_SERVER_URL'] };

/** `auth.oidc`: AuthOidc. */
export const OIDC_MODE: AuthModeInfo = {
  name: 'oidc',
  managedVariables: ['ENABLE_OIDC', 'OIDC_AUDIENCE', 'OIDC_CLIENT_ID', 'OIDC_LOGOUT_ENABLE', 'OIDC_SERVER_URL', 'OIDC_USERNAME_FIELD'],
};

export const AUTH_MODES: readonly AuthModeInfo[] = [LDAP_MODE, KERBEROS_MODE, CAS_MODE, OIDC_MODE];

/** `TF_VAR_xuc_truststore_password`: the password of the truststore XucService builds for a private LDAP CA. */
export const TRUSTSTORE_PASSWORD_VARIABLE = 'xuc_truststore_password';

/** Variables of xuc and xucmgt that XucService and the modes compose: an override would silently drop a mode. */
export const MANAGED_XUC_VARIABLES: readonly string[] = [
  ...new Set([...XUC_COMPOSED_VARIABLES, ...AUTH_MODES.flatMap((m) => m.managedVariables)]),
].sort();

/** Variables of xucmgt only that a mode composes (Kerberos: XUC_HOST is the principal's host). */
export const MANAGED_XUCMGT_VARIABLES: readonly string[] = [...new Set(AUTH_MODES.flatMap((m) => m.managedXucmgtVariables ?? []))].sort();

/** Every sensitive variable of xuc's features, by secret key. */
export const AUTH_SECRET_VARIABLES = {
  ...Object.assign({}, ...AUTH_MODES.map((m) => m.secrets ?? {})),
  truststorePassword: TRUSTSTORE_PASSWORD_VARIABLE,
} as Readonly<Record<'ldapManagerPassword' | 'kerberosPassword' | 'truststorePassword', string>>;
