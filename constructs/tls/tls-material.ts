/** What a TLS endpoint receives, whatever the mode: Terraform references, never literals. */
export interface TlsMaterial {
  /** Server certificate followed by its chain (what nginx's `ssl_certificate` wants). */
  readonly certificateChainPem: string;
  /** Private key, PEM: only in Terraform state or read at plan time. */
  readonly privateKeyPem: string;
  /** Certificate signing request for a public CA (XiVO CC "System Configuration": `xivoxc.csr`). */
  readonly csrPem: string;
}

/** What a signer needs: the CA certificate and key, as Terraform references. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly privateKeyPem: string;
}
