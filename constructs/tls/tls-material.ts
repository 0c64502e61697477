/** What a TLS endpoint receives, whatever the mode: Terraform references, never literals. */
export interface TlsMaterial {
  /** Server certificate followed by its chain (what nginx's `ssl_certificate` wants). */
  readonly certificateChainPem: string;
  /**
   * Private key, PEM: only in Terraform state or read at plan time. Undefined when the key is held
   * by the endpoint's key stack (`ServerKeyStack`), which writes it on the host itself: then no
   * other state ever holds it.
   */
  readonly privateKeyPem?: string;
  /** Certificate signing request for a public CA (XiVO CC "System Configuration": `xivoxc.csr`); undefined as the key. */
  readonly csrPem?: string;
}

/** What a signer needs: the CA certificate and key, as Terraform references. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly privateKeyPem: string;
}

/** Where an endpoint keeps its key and CSR on its Docker host: a key stack writes them there itself. */
export interface KeyFiles {
  /** Absolute path of the private key on the Docker host (written 0600). */
  readonly keyPath: string;
  /** Absolute path of the CSR (0644). @default none */
  readonly csrPath?: string;
  /** Labels of the helper containers that write them. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Image of those helpers. @default catalogue HOST_FILE_HELPER_IMAGE */
  readonly helperImage?: string;
}
