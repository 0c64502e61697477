/**
 * Synth-time checks of an operator's certificate (mode provided), with Node's X509Certificate:
 * the chain is ordered leaf → intermediates → root, each certificate issued by the next, the
 * chain complete up to a self-signed root (XiVO CC "System Configuration": the Mobile Assistant needs it), the key
 * matches the leaf, the names are covered, the keys are strong enough, nothing is expired.
 */
import { createPrivateKey, X509Certificate } from 'crypto';

export interface PemFile {
  /** File name as written in the environment file (for messages). */
  readonly file: string;
  readonly pem: string;
}

export interface ChainInput {
  readonly cert: PemFile;
  readonly key?: PemFile;
  readonly chain: readonly PemFile[];
  /** DNS names the certificate must cover, the FQDN first. */
  readonly names: readonly string[];
  /** @default now */
  readonly now?: Date;
}

export interface ChainResult {
  /** Problems, each a full sentence saying what to do. */
  readonly problems: string[];
  /** The same problems with the file each is about (`file` of the input it blames), for messages at that file's key. */
  readonly located: readonly { readonly file: string; readonly message: string }[];
  /** Indexes into `chain` in issuing order (leaf's issuer first); when problems, possibly partial. */
  readonly order: number[];
}

interface Parsed {
  readonly file: string;
  readonly cert: X509Certificate;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function parse(f: PemFile): Parsed[] | string {
  const blocks = f.pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) return `"${f.file}" holds no PEM certificate: give a file with "-----BEGIN CERTIFICATE-----" blocks`;
  try {
    return blocks.map((b) => ({ file: f.file, cert: new X509Certificate(b) }));
  } catch (e) {
    return `"${f.file}" is not a valid PEM certificate (${(e as Error).message})`;
  }
}

const cn = (dn: string) => /CN=([^\n,]+)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');
const selfSigned = (c: X509Certificate) => c.subject === c.issuer && c.checkIssued(c) && c.verify(c.publicKey);
const issues = (issuer: X509Certificate, c: X509Certificate) => c.checkIssued(issuer) && c.verify(issuer.publicKey);

function checkKeyStrength(p: Parsed): string | undefined {
  const key = p.cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) < 2048) {
    return `certificate "${cn(p.cert.subject)}" in "${p.file}" has an RSA key of ${details.modulusLength} bits: use RSA of at least 2048 bits or ECDSA P-256/P-384 (certificate guidance for contact centres)`;
  }
  if (key.asymmetricKeyType === 'ec' && !['prime256v1', 'secp384r1'].includes(details.namedCurve ?? '')) {
    return `certificate "${cn(p.cert.subject)}" in "${p.file}" uses curve ${details.namedCurve}: use ECDSA P-256 or P-384, or RSA of at least 2048 bits`;
  }
  return undefined;
}

/** DNS names of the SAN; a wildcard covers one label. */
export function covers(cert: X509Certificate, name: string): boolean {
  const sans = dnsNames(cert);
  return sans.some(
    (san) =>
      san.toLowerCase() === name.toLowerCase() ||
      (san.startsWith('*.') && name.toLowerCase().endsWith(san.slice(1).toLowerCase()) && !name.slice(0, name.length - san.length + 1).includes('.')),
  );
}

export function dnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}

export function checkChain(input: ChainInput): ChainResult {
  const located: { file: string; message: string }[] = [];
  const problems = { push: (message: string, file = input.cert.file) => located.push({ file, message }) };
  const result = (order: number[]): ChainResult => ({ problems: located.map((l) => l.message), located, order });
  const leafParsed = parse(input.cert);
  if (typeof leafParsed === 'string') {
    problems.push(leafParsed);
    return result([]);
  }
  const leaf = leafParsed[0];
  const others: (Parsed & { index: number })[] = [];
  input.chain.forEach((f, index) => {
    const parsed = parse(f);
    if (typeof parsed === 'string') problems.push(parsed, f.file);
    else others.push(...parsed.map((p) => ({ ...p, index })));
  });
  // certFile may itself be a bundle: its extra certificates count as chain.
  others.push(...leafParsed.slice(1).map((p) => ({ ...p, index: -1 })));

  const now = input.now ?? new Date();
  for (const p of [leaf, ...others]) {
    const weak = checkKeyStrength(p);
    if (weak) problems.push(weak, p.file);
    if (new Date(p.cert.validTo) < now)
      problems.push(
        `certificate "${cn(p.cert.subject)}" in "${p.file}" expired on ${new Date(p.cert.validTo).toISOString().slice(0, 10)}: renew it`,
        p.file,
      );
    else if (new Date(p.cert.validFrom) > now)
      problems.push(
        `certificate "${cn(p.cert.subject)}" in "${p.file}" is not valid before ${new Date(p.cert.validFrom).toISOString().slice(0, 10)}: check the clock or wait`,
        p.file,
      );
  }

  const missing = input.names.filter((n) => !covers(leaf.cert, n));
  if (missing.length) {
    const have = dnsNames(leaf.cert);
    problems.push(
      `certificate in "${input.cert.file}" does not list ${missing.map((n) => `"${n}"`).join(', ')} in its subjectAltName (it lists ${have.length ? have.join(', ') : 'no DNS name'}): request a certificate whose SAN includes ${missing.join(', ')} (certificate guidance for contact centres: the FQDN must be in the SAN)`,
    );
  }
  if (!leaf.cert.keyUsage?.includes('1.3.6.1.5.5.7.3.1') && leaf.cert.keyUsage !== undefined) {
    problems.push(
      `certificate in "${input.cert.file}" is not for TLS servers (its extended key usage lacks serverAuth): request a TLS server certificate`,
    );
  }

  if (input.key && /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(input.key.pem)) {
    problems.push(
      `"${input.key.file}" is protected by a passphrase, which nginx cannot be given when it starts: give the key without it (openssl pkey -in ${input.key.file} -out ${input.key.file}.plain, then keep that file as private as the key)`,
      input.key.file,
    );
  } else if (input.key) {
    try {
      if (!leaf.cert.checkPrivateKey(createPrivateKey(input.key.pem))) {
        problems.push(
          `key in "${input.key.file}" does not match the certificate in "${input.cert.file}": give the private key the certificate was requested with`,
          input.key.file,
        );
      }
    } catch (e) {
      problems.push(
        `"${input.key.file}" is not a readable unencrypted PEM private key (${(e as Error).message}): give the key without a passphrase`,
        input.key.file,
      );
    }
  }

  // Order: from the leaf, repeatedly find the certificate that issued the last one.
  const order: number[] = [];
  const used = new Set<number>();
  let current = leaf;
  let complete = true;
  while (!selfSigned(current.cert)) {
    const k = others.findIndex((o, i) => !used.has(i) && issues(o.cert, current.cert));
    if (k < 0) {
      problems.push(
        `chain is incomplete: "${cn(current.cert.subject)}" is issued by "${cn(current.cert.issuer)}", which is in none of the chain files: add the certificate of "${cn(current.cert.issuer)}" (intermediates up to the root) to chainFiles (XiVO CC "System Configuration": a complete chain)`,
      );
      complete = false;
      break;
    }
    used.add(k);
    if (others[k].index >= 0 && !order.includes(others[k].index)) order.push(others[k].index);
    current = others[k];
  }
  // With a link missing, the certificates left over are likely the ones above it (the root): keep them.
  others.forEach((o, i) => {
    if (complete && !used.has(i))
      problems.push(
        `certificate "${cn(o.cert.subject)}" in "${o.file}" is not in the issuing chain of "${input.cert.file}": remove it from chainFiles`,
        o.file,
      );
  });
  return result(order);
}
