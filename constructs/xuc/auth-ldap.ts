/**
 * AuthLdap: `authentication.ldap` of xuc.conf (seed 000), the manager password from the
 * sensitive variable `ldap_manager_password`, and for ldaps:// with a private CA the
 * certificates the truststore is built from (see XucTruststore).
 */
import { Construct } from 'constructs';
import { caPemProblem, ldapUrlProblem, splitPemCertificates, userSearchFilterProblem } from '../../config/rules-auth';
import { XucContribution } from './contribution';
import { HoconSecret } from './hocon';
import { authSecret } from './secrets';

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
  readonly contribution: XucContribution;
  /** Certificates to trust, one PEM per entry; empty without a private CA. */
  readonly caCertificates: readonly string[];

  constructor(scope: Construct, id: string, props: AuthLdapProps) {
    super(scope, id);
    const where = this.node.path;
    const problem =
      ldapUrlProblem(props.url) ??
      userSearchFilterProblem(props.userSearchFilter) ??
      (props.caPem !== undefined && !props.url.startsWith('ldaps://') ? 'a CA is given for a plain ldap:// URL: use ldaps://HOST:636' : undefined) ??
      (props.caPem !== undefined ? caPemProblem(props.caPem) : undefined);
    if (problem) throw new Error(`${where}: ${problem}`);
    this.caCertificates = props.caPem ? splitPemCertificates(props.caPem) : [];
    this.contribution = {
      conf: {
        authentication: {
          ldap: {
            managerDN: props.managerDN,
            managerPassword: new HoconSecret(authSecret(this, 'ldapManagerPassword').stringValue),
            searchBase: props.searchBase,
            url: props.url,
            userSearchFilter: props.userSearchFilter,
          },
        },
      },
    };
  }
}
