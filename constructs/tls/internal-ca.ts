/**
 * InternalCa: the certificate authority of one environment (mode internal-ca, the default).
 * It lives in the XiVO PBX stack, and signs there (`sign`) the CSR of every other stack's endpoint:
 * each of those keys is made in its server's key stack (`ServerKeyStack`, deployed before the PBX),
 * which outputs the CSR only; the PBX stack outputs only certificates. Every cross-stack output
 * (cdktf: an output + `terraform_remote_state`) is public material, which synth checks
 * (`checkCrossStackOutputs`). The CA private key is in one Terraform state only, the PBX stack's.
 *
 * Name constraints (RFC 5280 §4.2.1.10, limiting the CA to the environment's domains) are not
 * set: the hashicorp/tls provider (4.1.0) has no attribute for them. Agents trust the CA as a
 * root for every name: see the internal-ca runbook.
 *
 * The CA certificate is exported with the local provider to `pki/<env>/internal-ca.crt`
 * (next to cdktf.out) to be distributed to agent PCs (certificate guidance for contact centres: group policy, browsers).
 */
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { File, PrivateKey, SelfSignedCert, TerraformStack } from '../terraform-cdk';
import { ValidationError } from '../errors';
import { XivoServer } from '../xivo-server';
import { PlanTimeFile } from '../plan-time-file';
import { Runbook } from '../runbook';
import { CERTIFICATE_DEFAULTS, KeySpec } from './key-spec';
import { CA_USES, HOURS_PER_DAY, privateKeyArgs, SUBJECT_ORGANIZATION } from './tls-options';
import { localProvider, tlsProvider } from './providers';
import { ServerCertificateProps, signedChain } from './server-certificate';
import { CertificateAuthority } from './tls-material';

const CA_ID = 'InternalCa';

export interface InternalCaProps {
  /** Environment name: the CA's common name and the export path. @default the platform's, in a XivoServer */
  readonly environment?: string;
  /** Key of the CA. @default CERTIFICATE_DEFAULTS.key (RSA 2048) */
  readonly key?: KeySpec;
  /** Validity of the CA certificate. @default CERTIFICATE_DEFAULTS.caValidityDays (3650) */
  readonly validityDays?: number;
  /**
   * Early renewal of server certificates: the CA renews at three times this, at most half its validity.
   * @default CERTIFICATE_DEFAULTS.earlyRenewalDays (30)
   */
  readonly earlyRenewalDays?: number;
}

/** Where the CA certificate is exported, relative to the working directory of synth. */
export function caExportPath(envName: string): string {
  return path.join('pki', envName, 'internal-ca.crt');
}

export class InternalCa extends Construct implements CertificateAuthority {
  /** The CA created in `stack`, if any. Other stacks use only its certificate (`certPem`) or `issue`, never its key. */
  static inStack(stack: TerraformStack): InternalCa | undefined {
    return stack.node.tryFindChild(CA_ID) as InternalCa | undefined;
  }

  /** Creates the CA in the stack of `scope` (one per stack): give it the stack deployed first. */
  static create(scope: IConstruct, props: InternalCaProps = {}): InternalCa {
    return new InternalCa(TerraformStack.of(scope), CA_ID, props);
  }

  readonly certPem: string;
  /** Used only inside the PBX stack (by `issue`, and the PBX's own CTI certificate). */
  readonly privateKeyPem: string;
  readonly exportFile: File;
  private readonly issued: Construct;

  private constructor(stack: TerraformStack, id: string, props: InternalCaProps) {
    super(stack, id);
    tlsProvider(this);
    localProvider(this);
    const environment = props.environment ?? XivoServer.of(this).platform.environment;
    const validityDays = props.validityDays ?? CERTIFICATE_DEFAULTS.caValidityDays;
    const earlyRenewalDays = props.earlyRenewalDays ?? CERTIFICATE_DEFAULTS.earlyRenewalDays;
    const key = new PrivateKey(this, 'key', privateKeyArgs(props.key ?? CERTIFICATE_DEFAULTS.key));
    const cert = new SelfSignedCert(this, 'cert', {
      privateKeyPem: key.privateKeyPem,
      subject: [{ commonName: `XiVO ${environment} internal CA`, organization: SUBJECT_ORGANIZATION }],
      isCaCertificate: true,
      setSubjectKeyId: true,
      allowedUses: [...CA_USES],
      validityPeriodHours: validityDays * HOURS_PER_DAY,
      earlyRenewalHours: Math.min(earlyRenewalDays * 3, validityDays / 2) * HOURS_PER_DAY,
    });
    this.certPem = cert.certPem;
    this.privateKeyPem = key.privateKeyPem;
    const exported = caExportPath(environment);
    this.exportFile = new File(this, 'export', {
      filename: PlanTimeFile.fromFile(path.resolve(exported)).pathFrom(this),
      content: cert.certPem,
      filePermission: '0644',
    });
    new Runbook(this, 'runbook', { environment, name: 'internal-ca', content: caRunbook(environment, exported) });
    this.issued = new Construct(this, 'issued');
  }

  /**
   * Signs the CSR of an endpoint of another stack, here in the CA's stack: the CSR (public) comes
   * from the endpoint's key stack, and the consumer receives a reference to the certificate only.
   * The ids follow the consumer's construct path, so each endpoint keeps its certificate.
   * @returns the certificate followed by the CA certificate
   */
  sign(consumer: IConstruct, csrPem: string, props: Pick<ServerCertificateProps, 'validityDays' | 'earlyRenewalDays'> = {}): string {
    const id = consumer.node.path.replace(/\//g, '_');
    if (this.issued.node.tryFindChild(id)) throw new ValidationError('a certificate was already issued for this construct', consumer);
    return signedChain(new Construct(this.issued, id), 'cert', { ...props, ca: this, csrPem });
  }
}

function caRunbook(envName: string, exported: string): string {
  return `# Internal CA of ${envName}

Every server certificate of this environment (XiVO CC / UC-Addon front, CTI server, edge proxy)
is signed by the environment's internal CA. Browsers and the XiVO applications trust them once
the CA certificate is trusted on the client machines (certificate guidance for contact centres).

1. After the first deploy of the XiVO PBX stack, the CA certificate is in \`${exported}\`
   (relative to the directory you ran \`cdktf deploy\` from).
2. Distribute it to agent PCs: Windows, a Group Policy (Computer Configuration > Policies >
   Windows Settings > Security Settings > Public Key Policies > Trusted Root Certification
   Authorities, Import); Linux, \`/usr/local/share/ca-certificates/\` + \`update-ca-certificates\`;
   Firefox, \`security.enterprise_roots.enabled=true\` or a policy with \`Certificates.Install\`.
3. Check from a client: \`openssl s_client -connect <XUC_HOST>:443 -servername <XUC_HOST> -CAfile ${path.basename(exported)}\`
   must end with \`Verify return code: 0 (ok)\`.

The CA private key exists only in the Terraform state of the XiVO PBX stack, which also signs
every server certificate of the environment: that state backend is a secret (encrypt it, restrict
access). Each other server's key is made in its own key stack (\`${envName}-<server>-key\`), which
writes it on the server and hands the PBX stack only its CSR; the PBX stack hands out certificates only. The CA carries no X.509
name constraints (the Terraform tls provider cannot set them): a client that trusts it accepts any
name it signs, so keep it to the machines of this platform's users. Certificates are re-issued by the next deploy when their names change or when
they enter their early-renewal window; the same deploy recreates the nginx containers that use them.
The XiVO services on the PBX (xivo-ctid among them) read /usr/share/xivo-certs/server.crt only
at start: restart them after a renewal (\`xivo-service restart all\`, in a maintenance window).
`;
}
