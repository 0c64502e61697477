/** The key of a generated certificate and the defaults of generated certificates: one place. */

export interface KeySpec {
  /** @default 'RSA' */
  readonly algorithm: 'RSA' | 'ECDSA';
  /** Bits of an RSA key: 2048, 3072 or 4096. @default 2048 */
  readonly rsaBits: 2048 | 3072 | 4096;
  /** Curve of an ECDSA key. @default 'P256' */
  readonly ecdsaCurve: 'P256' | 'P384';
}

/** Defaults of generated certificates (server certificates and the internal CA). */
export const CERTIFICATE_DEFAULTS = {
  key: { algorithm: 'RSA', rsaBits: 2048, ecdsaCurve: 'P256' } as KeySpec,
  /** Validity of a server certificate: 397 days, the longest browsers accept. */
  validityDays: 397,
  /** A certificate this close to expiry is re-issued by the next deploy. */
  earlyRenewalDays: 30,
  /** Validity of the internal CA. */
  caValidityDays: 3650,
} as const;
