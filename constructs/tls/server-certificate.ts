/**
 * ServerCertificate: a generated key, a CSR and a certificate for a TLS server, signed by the
 * internal CA or self-signed. The FQDN is the CN and the first DNS name; any change of names
 * makes a new CSR, hence a new certificate at the next deploy, as does the early-renewal window.
 */
import { Construct } from 'constructs';
import { CertRequest, LocallySignedCert, PrivateKey, SelfSignedCert } from '../terraform-cdk';
import { ValidationError } from '../errors';
import { CERTIFICATE_DEFAULTS, KeySpec } from './key-spec';
import { tlsProvider } from './providers';
import { CertificateAuthority, TlsMaterial } from './tls-material';
import { HOURS_PER_DAY, privateKeyArgs, SERVER_USES, SUBJECT_ORGANIZATION } from './tls-options';

export interface ServerCertificateProps {
  /** DNS names; the first is the FQDN and the CN. */
  readonly names: readonly string[];
  /** Signer: the internal CA, or undefined for a self-signed certificate. @default self-signed */
  readonly ca?: CertificateAuthority;
  /** @default CERTIFICATE_DEFAULTS.key (RSA 2048) */
  readonly key?: KeySpec;
  /** @default CERTIFICATE_DEFAULTS.validityDays (397) */
  readonly validityDays?: number;
  /** @default CERTIFICATE_DEFAULTS.earlyRenewalDays (30) */
  readonly earlyRenewalDays?: number;
}

export class ServerCertificate extends Construct implements TlsMaterial {
  readonly certificateChainPem: string;
  readonly privateKeyPem: string;
  readonly csrPem: string;
  /** The `dns_names` of the certificate. */
  readonly names: readonly string[];

  constructor(scope: Construct, id: string, props: ServerCertificateProps) {
    super(scope, id);
    if (props.names.length === 0) throw new ValidationError('a server certificate needs at least its FQDN in names', this);
    certificateTerms(props, this);
    tlsProvider(this);
    this.names = [...props.names];
    const key = new PrivateKey(this, 'key', privateKeyArgs(props.key ?? CERTIFICATE_DEFAULTS.key));
    const subject = [{ commonName: props.names[0], organization: SUBJECT_ORGANIZATION }];
    const csr = new CertRequest(this, 'csr', { privateKeyPem: key.privateKeyPem, subject, dnsNames: this.names as string[] });
    if (props.ca) {
      this.certificateChainPem = signedChain(this, 'cert', { ...props, ca: props.ca, csrPem: csr.certRequestPem });
    } else {
      const cert = new SelfSignedCert(this, 'cert', {
        ...certificateTerms(props),
        privateKeyPem: key.privateKeyPem,
        subject,
        dnsNames: this.names as string[],
      });
      this.certificateChainPem = cert.certPem;
    }
    this.privateKeyPem = key.privateKeyPem;
    this.csrPem = csr.certRequestPem;
  }
}

/** Validity and early renewal of a server certificate; with `scope`, refuses a renewal window as long as the validity. */
function certificateTerms(
  props: Pick<ServerCertificateProps, 'validityDays' | 'earlyRenewalDays'>,
  scope?: Construct,
): { allowedUses: string[]; validityPeriodHours: number; earlyRenewalHours: number } {
  const validityDays = props.validityDays ?? CERTIFICATE_DEFAULTS.validityDays;
  const earlyRenewalDays = props.earlyRenewalDays ?? CERTIFICATE_DEFAULTS.earlyRenewalDays;
  if (scope && earlyRenewalDays >= validityDays) {
    throw new ValidationError(
      `earlyRenewalDays (${earlyRenewalDays}) must be less than validityDays (${validityDays}), or every deploy re-issues the certificate`,
      scope,
    );
  }
  return { allowedUses: [...SERVER_USES], validityPeriodHours: validityDays * HOURS_PER_DAY, earlyRenewalHours: earlyRenewalDays * HOURS_PER_DAY };
}

export interface SignedChainProps extends Pick<ServerCertificateProps, 'validityDays' | 'earlyRenewalDays'> {
  /** The signer, whose key must be a reference of `scope`'s stack. */
  readonly ca: CertificateAuthority;
  /** The CSR to sign (public: it may come from another stack). */
  readonly csrPem: string;
}

/**
 * Signs `csrPem` with the CA in `scope` (a `tls_locally_signed_cert` as child `id`).
 * @returns the certificate followed by the CA's: clients that trust the CA get the full chain
 * (XiVO CC "System Configuration": a complete chain)
 */
export function signedChain(scope: Construct, id: string, props: SignedChainProps): string {
  const cert = new LocallySignedCert(scope, id, {
    ...certificateTerms(props, scope),
    certRequestPem: props.csrPem,
    caCertPem: props.ca.certPem,
    caPrivateKeyPem: props.ca.privateKeyPem,
    setSubjectKeyId: true,
  });
  return `${cert.certPem}${props.ca.certPem}`;
}
