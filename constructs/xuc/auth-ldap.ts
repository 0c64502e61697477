/**
 * AuthLdap: `authentication.ldap` of xuc.conf (XiVO CC "System Configuration"), the manager password from the
 * sensitive variable `ldap_manager_password`, and for ldaps:// with a private CA the
 * certificates the truststore is built from (see XucTruststore).
 */
import { Construct } from 'constructs';
import { ValidationError } from '../errors';
import { hostOfAddress } from '../platform-rules';
import { caPemProblem, ldapUrlProblem, splitPemCertificates, userSearchFilterProblem } from './auth-checks';
import { XucContribution } from './contribution';
import { HoconSecret } from './hocon';
import { SecretVariable, secretVariable } from './secrets';
import { AuthModeInfo, LDAP_MODE } from './auth-modes';
import { XucFeature } from './xuc-feature';

/** `TF_VAR_ldap_manager_password`: the bind password, never in the environment file. */
export const LDAP_MANAGER_PASSWORD: SecretVariable = {
  name: LDAP_MODE.secrets!.ldapManagerPassword,
  description: 'Password of auth.ldap.managerDN (xuc.conf managerPassword). Any characters.',
  validation: [{ condition: (v) => `\${length(${v}) > 0}`, errorMessage: 'ldap_manager_password must not be empty.' }],
};

export interface AuthLdapProps {
  /** `ldap://HOST:389` or `ldaps://HOST:636`; the port is mandatory. */
  readonly url: string;
  readonly managerDN: string;
  readonly searchBase: string;
  /** Filter with `%s` in place of the login. */
  readonly userSearchFilter: string;
  /** PEM of the private CA or full chain of the LDAP server (public data). @default none: the JDK's CAs */
  readonly caPem?: string;
}

export class AuthLdap extends Construct {
  static readonly info: AuthModeInfo = LDAP_MODE;

  /** LDAP authentication for `XucService.addAuthentication()`. */
  static mode(props: AuthLdapProps): XucFeature {
    return { id: 'ldap', bind: (scope) => new AuthLdap(scope, 'ldap', props).contribution, internalNames: () => [hostOfAddress(props.url)] };
  }

  readonly contribution: XucContribution;
  /** Certificates to trust, one PEM per entry; empty without a private CA. */
  readonly caCertificates: readonly string[];

  constructor(scope: Construct, id: string, props: AuthLdapProps) {
    super(scope, id);
    const problem =
      ldapUrlProblem(props.url) ??
      userSearchFilterProblem(props.userSearchFilter) ??
      (props.caPem !== undefined && !props.url.startsWith('ldaps://') ? 'a CA is given for a plain ldap:// URL: use ldaps://HOST:636' : undefined) ??
      (props.caPem !== undefined ? caPemProblem(props.caPem) : undefined);
    if (problem) throw new ValidationError(problem, this);
    this.caCertificates = props.caPem ? splitPemCertificates(props.caPem) : [];
    this.contribution = {
      trustedCertificates: this.caCertificates,
      conf: {
        authentication: {
          ldap: {
            managerDN: props.managerDN,
            managerPassword: new HoconSecret(secretVariable(this, LDAP_MANAGER_PASSWORD).stringValue),
            searchBase: props.searchBase,
            url: props.url,
            userSearchFilter: props.userSearchFilter,
          },
        },
      },
    };
  }
}
