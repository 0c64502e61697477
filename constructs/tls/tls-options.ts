/**
 * The TLS rules every certificate of the platform follows, whatever the mode (XiVO CC "System Configuration" and certificate
 * guidance for contact centres):
 * the FQDN is the CN and the first SAN, RSA ≥ 2048 or ECDSA P-256/P-384, server-auth usage,
 * settable validity and early renewal. hashicorp/tls marks only key usage and basic
 * constraints critical.
 */
import { KeySpec } from './key-spec';

/** Key usages of a TLS server certificate (`allowed_uses`). */
export const SERVER_USES: readonly string[] = ['digital_signature', 'key_encipherment', 'server_auth'];
/** Key usages of the internal CA. */
export const CA_USES: readonly string[] = ['cert_signing', 'crl_signing', 'digital_signature'];

export const HOURS_PER_DAY = 24;

/** `tls_private_key` arguments for a key spec. */
export function privateKeyArgs(key: KeySpec): { algorithm: string; rsaBits?: number; ecdsaCurve?: string } {
  return key.algorithm === 'RSA' ? { algorithm: 'RSA', rsaBits: key.rsaBits } : { algorithm: 'ECDSA', ecdsaCurve: key.ecdsaCurve };
}

/** Names of a certificate: the FQDN first (it is also the CN), then the others, deduplicated. */
export function certificateNames(fqdn: string, others: readonly (string | undefined)[]): string[] {
  const names = [fqdn, ...others.filter((n): n is string => !!n && n !== fqdn && !/^\d+(\.\d+){3}$/.test(n))];
  return [fqdn, ...[...new Set(names.slice(1))].sort()];
}

/** Organisation in generated subjects. */
export const SUBJECT_ORGANIZATION = 'XiVO';
