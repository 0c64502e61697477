/**
 * XucTruststore: the Java truststore xuc needs for ldaps:// with a private CA (XiVO CC "System Configuration",
 * "Note for LDAPs"), built on the target host instead of by hand with keytool.
 *
 * A one-shot container of the xuc image (it has the JDK's keytool) copies the JDK's CAs
 * (so https to public servers, e.g. OIDC, keeps working), imports each given certificate and
 * writes the store into a host directory that xuc mounts read-only at /customSslTrustStore.
 * The password comes from the sensitive variable `xuc_truststore_password`. Any change of
 * certificates or password re-runs the builder, and xuc is replaced after it.
 */
import { Construct, IConstruct } from 'constructs';
import { Container, ContainerUpload, containerUploadToTerraform, Lazy } from '../terraform-cdk';
import { labelList } from '../labels';
import { ValidationError } from '../errors';
import { TRUSTSTORE_MOUNT } from '../delivered-files';
import { TRUSTSTORE_PASSWORD_VARIABLE } from './auth-modes';
import { JVM_SAFE, SecretVariable, secretVariable } from './secrets';

/** `TF_VAR_xuc_truststore_password`: the password of the store built for a private LDAP CA. */
export const TRUSTSTORE_PASSWORD: SecretVariable = {
  name: TRUSTSTORE_PASSWORD_VARIABLE,
  description: 'Password of the Java truststore built for auth.ldap.caFile (-Djavax.net.ssl.trustStorePassword). Generate one: openssl rand -hex 16.',
  validation: [
    {
      condition: (v) => `\${length(${v}) >= 6}`,
      errorMessage: 'xuc_truststore_password must be at least 6 characters (keytool refuses shorter ones).',
    },
    {
      condition: (v) => `\${can(regex("${JVM_SAFE}", ${v}))}`,
      errorMessage: 'xuc_truststore_password must not contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).',
    },
  ],
};

export const TRUSTSTORE_FILE = `${TRUSTSTORE_MOUNT}/ldapCertTrustStore`;
const CA_DIR = '/tmp/ldap-ca';

/**
 * The builder's script. Inputs by environment: CA_DIR (one PEM per file), TRUSTSTORE (output
 * path), XUC_TRUSTSTORE_PASSWORD. No `${` (it is a Terraform string).
 */
export const TRUSTSTORE_SCRIPT = [
  'set -eu',
  'cacerts="$(dirname "$(dirname "$(readlink -f "$(command -v keytool)")")")/lib/security/cacerts"',
  'rm -f "$TRUSTSTORE.new"',
  'keytool -importkeystore -noprompt -srckeystore "$cacerts" -srcstorepass changeit -destkeystore "$TRUSTSTORE.new" -deststoretype PKCS12 -deststorepass:env XUC_TRUSTSTORE_PASSWORD >/dev/null',
  'for f in "$CA_DIR"/*.pem; do keytool -importcert -noprompt -alias "xivo-ldap-$(basename "$f" .pem)" -file "$f" -keystore "$TRUSTSTORE.new" -storetype PKCS12 -storepass:env XUC_TRUSTSTORE_PASSWORD; done',
  'chmod 0644 "$TRUSTSTORE.new"',
  'mv -f "$TRUSTSTORE.new" "$TRUSTSTORE"',
].join('\n');

export interface XucTruststoreProps {
  /** Name of the xuc container; the builder is `<it>-truststore`. */
  readonly xucName: string;
  /** Image id of xuc (provides keytool). */
  readonly imageId: string;
  /** Certificates to trust, one PEM each. */
  readonly certificates: readonly string[];
  /** Host directory holding the store. */
  readonly hostDirectory: string;
  /** Labels of the builder. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Log rotation of the builder (json-file driver), as for services. @default Docker's */
  readonly logOpts?: Readonly<Record<string, string>>;
}

export class XucTruststore extends Construct {
  /** `-Djavax.net.ssl.trustStore…` flags for JAVA_OPTS; the password is a variable reference. */
  static javaOptions(scope: IConstruct): string[] {
    const password = secretVariable(scope, TRUSTSTORE_PASSWORD).stringValue;
    return [`-Djavax.net.ssl.trustStore=${TRUSTSTORE_FILE}`, `-Djavax.net.ssl.trustStorePassword=${password}`];
  }

  readonly builder: Container;
  private readonly certificates: string[];

  constructor(scope: Construct, id: string, props: XucTruststoreProps) {
    super(scope, id);
    if (props.certificates.length === 0) throw new ValidationError('give at least one certificate to trust', this);
    this.certificates = [...props.certificates];
    const password = secretVariable(this, TRUSTSTORE_PASSWORD).stringValue;
    this.builder = new Container(this, 'builder', {
      name: `${props.xucName}-truststore`,
      image: props.imageId,
      entrypoint: ['sh', '-c', TRUSTSTORE_SCRIPT],
      user: '0',
      // It needs no network, and holds the store's password in its env: none at all.
      networkMode: 'none',
      env: [`CA_DIR=${CA_DIR}`, `TRUSTSTORE=${TRUSTSTORE_FILE}`, `XUC_TRUSTSTORE_PASSWORD=${password}`],
      attach: true,
      mustRun: false,
      // A job: it must not be restarted when keytool exits.
      restart: 'no',
      logDriver: props.logOpts ? 'json-file' : undefined,
      logOpts: props.logOpts ? { ...props.logOpts } : undefined,
      labels: labelList({ ...props.labels, 'org.xivo.job': 'xuc-truststore' }),
      volumes: [{ hostPath: props.hostDirectory, containerPath: TRUSTSTORE_MOUNT }],
      // Rendered once, when the stack is synthesized: certificates added before then are in.
      upload: Lazy.anyValue({
        produce: () =>
          this.certificates.map((content, i) =>
            containerUploadToTerraform({ file: `${CA_DIR}/ca-${String(i + 1).padStart(2, '0')}.pem`, content, permissions: '0644' }),
          ),
      }) as unknown as ContainerUpload[],
    });
  }

  /** Trusts more certificates (one PEM each): the store is built with them. */
  addCertificates(certificates: readonly string[]): void {
    this.certificates.push(...certificates);
  }
}
