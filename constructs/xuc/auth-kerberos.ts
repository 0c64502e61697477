/**
 * AuthKerberos: Kerberos SSO of xuc (XiVO CC "System Configuration"). Delivers a generated `/etc/krb5.conf` and the
 * keytab (read by Terraform at plan time) into the xuc container, adds the
 * `-Dsecured.krb5.*` flags, and writes the browser settings as a runbook.
 */
import { Construct } from 'constructs';
import { ValidationError } from '../errors';
import { hostOfAddress } from '../platform-rules';
import { principalHostProblem } from './auth-checks';
import { PlanTimeFile } from '../plan-time-file';
import { Runbook } from '../runbook';
import { CONTAINER_FILE_MODE, XucContribution } from './contribution';
import { JVM_SAFE, SecretVariable, secretVariable } from './secrets';
import { AuthModeInfo, KERBEROS_MODE } from './auth-modes';
import { KEYTAB_PATH, KRB5_CONF_PATH } from '../delivered-files';
import { DEFAULT_KERBEROS_ENCRYPTION_TYPES, KERBEROS_ENCRYPTION_TYPES, KerberosEncryptionType } from './xuc-defaults';
import { XucFeature, XucFeatureContext } from './xuc-feature';

/** `TF_VAR_kerberos_password`: the service principal's password, passed in JAVA_OPTS. */
export const KERBEROS_PASSWORD: SecretVariable = {
  name: KERBEROS_MODE.secrets!.kerberosPassword,
  description: 'Password of the Kerberos service principal (-Dsecured.krb5.password of xuc).',
  validation: [
    {
      condition: (v) => `\${can(regex("${JVM_SAFE}", ${v}))}`,
      errorMessage: 'kerberos_password must not be empty nor contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).',
    },
  ],
};

const WEAK: readonly KerberosEncryptionType[] = ['arcfour-hmac', 'des3-cbc-sha1', 'des-cbc-crc'];

export interface AuthKerberosProps {
  readonly realm: string;
  /** KDCs, `host[:port]`. */
  readonly kdc: readonly string[];
  /** kadmind, `host[:port]`. */
  readonly adminServer: string;
  /** `HTTP/<fqdn>`; the host must be one of `fronts`. */
  readonly principal: string;
  /** DNS names users open (xuc fronts); the first is the one the principal must name by default. */
  readonly fronts: readonly string[];
  /** The keytab, read at plan time. */
  readonly keytab: PlanTimeFile;
  /** @default DEFAULT_KERBEROS_ENCRYPTION_TYPES (['aes256-cts-hmac-sha1-96']) */
  readonly encryptionTypes?: readonly KerberosEncryptionType[];
}

export interface Krb5ConfOptions {
  readonly realm: string;
  readonly kdc: readonly string[];
  readonly adminServer: string;
  readonly encryptionTypes: readonly KerberosEncryptionType[];
}

/** `/etc/krb5.conf` for the xuc JVM: fixed realm and KDCs (no DNS lookups), the supported enctypes. */
export function krb5Conf(o: Krb5ConfOptions): string {
  const types = o.encryptionTypes.join(' ');
  return [
    '# Written by xivo-cdktf: edit the environment file, not this file.',
    '[libdefaults]',
    `\tdefault_realm = ${o.realm}`,
    '\tdns_lookup_kdc = false',
    '\tdns_lookup_realm = false',
    `\tdefault_tkt_enctypes = ${types}`,
    `\tdefault_tgs_enctypes = ${types}`,
    `\tpermitted_enctypes = ${types}`,
    // arcfour and DES are refused by modern Kerberos unless weak crypto is allowed.
    ...(o.encryptionTypes.some((t) => WEAK.includes(t)) ? ['\tallow_weak_crypto = true'] : []),
    '',
    '[realms]',
    `\t${o.realm} = {`,
    ...o.kdc.map((k) => `\t\tkdc = ${k}`),
    `\t\tadmin_server = ${o.adminServer}`,
    '\t}',
    '',
  ].join('\n');
}

export class AuthKerberos extends Construct {
  static readonly info: AuthModeInfo = KERBEROS_MODE;

  /** Kerberos SSO for `XucService.addAuthentication()` and the same front's XucmgtService. */
  static mode(props: AuthKerberosProps): XucFeature {
    return {
      id: 'kerberos',
      bind: (scope, context) => new AuthKerberos(scope, 'kerberos', props, context).contribution,
      xucmgtEnv: () => AuthKerberos.xucmgtEnv(props.principal),
      internalNames: () => [...props.kdc, props.adminServer].map(hostOfAddress),
    };
  }

  /** Variables of the web applications: SSO on, and XUC_HOST the name the principal is for (XiVO CC "System Configuration"). */
  static xucmgtEnv(principal: string): Record<string, string> {
    return { USE_SSO: 'true', XUC_HOST: principal.replace(/^HTTP\//, '') };
  }

  readonly contribution: XucContribution;
  readonly krb5Conf: string;

  /** @param context the xuc's environment (the browser runbook is written there) */
  constructor(scope: Construct, id: string, props: AuthKerberosProps, context: XucFeatureContext) {
    super(scope, id);
    const types = props.encryptionTypes ?? DEFAULT_KERBEROS_ENCRYPTION_TYPES;
    const unsupported = types.find((t) => !KERBEROS_ENCRYPTION_TYPES.includes(t));
    if (unsupported) {
      throw new ValidationError(`encryption type "${unsupported}" is not supported by XiVO CC: use ${KERBEROS_ENCRYPTION_TYPES.join(', ')}`, this);
    }
    const hostProblem = principalHostProblem(props.principal, props.fronts);
    if (hostProblem) throw new ValidationError(hostProblem, this);
    if (props.kdc.length === 0) throw new ValidationError('give at least one KDC', this);

    this.krb5Conf = krb5Conf({ realm: props.realm, kdc: props.kdc, adminServer: props.adminServer, encryptionTypes: types });
    const password = secretVariable(this, KERBEROS_PASSWORD).stringValue;
    this.contribution = {
      env: { XUC_HOST: props.principal.replace(/^HTTP\//, '') },
      kerberosOptions: [`-Dsecured.krb5.principal=${props.principal}`, `-Dsecured.krb5.password=${password}`, `-Dsecured.krb5.keyTab=${KEYTAB_PATH}`],
      uploads: [
        { file: KRB5_CONF_PATH, content: this.krb5Conf, permissions: CONTAINER_FILE_MODE },
        // The keytab holds the service's keys: a sensitive value, never printed by a plan.
        { file: KEYTAB_PATH, contentBase64: props.keytab.secretBase64(this), permissions: CONTAINER_FILE_MODE },
      ],
    };
    new Runbook(this, 'browsers', {
      environment: context.environment,
      name: 'kerberos-browsers',
      content: browserRunbook(props.principal, props.realm),
    });
  }
}

function browserRunbook(principal: string, realm: string): string {
  const host = principal.replace(/^HTTP\//, '');
  return `# Kerberos SSO: browser settings

xuc authenticates users with the service principal \`${principal}@${realm}\`. Users open
https://${host}/ and their browser must be allowed to send Kerberos (Negotiate) tickets to
that name (XiVO CC "System Configuration": "the created domain name must be trusted by the user's browser").

## DNS
\`${host}\` must resolve to the server users reach (the xuc front, nginx).

## Chrome and Edge (Windows only)
Internet Options → Security → Trusted sites → Sites: add \`https://${host}\` (and
\`http://${host}\` if it is used). Kerberos SSO in Chrome works on Microsoft Windows only.
By policy: \`AuthServerAllowlist\` = \`${host}\`.

## Firefox
In \`about:config\` (or by enterprise policy), add the name without protocol:
- \`network.negotiate-auth.trusted-uris\`: \`${host}\`
- \`network.negotiate-auth.delegation-uris\`: \`${host}\`

## Check
On a user PC after logon: \`klist\` lists a ticket for \`${principal}@${realm}\` once the
application was opened.
`;
}
