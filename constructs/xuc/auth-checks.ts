/**
 * Checks of single auth values, shared by the constructs (which refuse bad props) and the config
 * layer (which reports bad environment files): both say the same words.
 */
import { X509Certificate } from 'crypto';

/** `ldap://host:389`: xuc needs the port (XiVO CC documentation, "System Configuration"). */
export function ldapUrlProblem(url: string): string | undefined {
  const match = /^(ldaps?):\/\/([^/:]+)(:(\d+))?\/?$/.exec(url);
  if (!match) return `"${url}" is not an LDAP URL: write ldaps://HOST:636 or ldap://HOST:389`;
  if (!match[4]) {
    const port = match[1] === 'ldaps' ? 636 : 389;
    return `"${url}" has no port: xuc needs it (XiVO CC "System Configuration"); write ${match[1]}://${match[2]}:${port}`;
  }
  // The scheme says whether TLS starts at once; the well-known ports say what the server speaks there.
  if (match[1] === 'ldaps' && match[4] === '389') {
    return `"${url}" asks for TLS from the first byte on port 389, where LDAP servers speak plain LDAP (or StartTLS): the connection fails; write ldaps://${match[2]}:636, or ldap://${match[2]}:389`;
  }
  if (match[1] === 'ldap' && match[4] === '636') {
    return `"${url}" speaks plain LDAP to port 636, where LDAP servers expect TLS (LDAPS): the connection fails; write ldaps://${match[2]}:636`;
  }
  return undefined;
}

/** CAS endpoints an operator copies from a browser instead of the base URL (apereo CAS protocol: /login, /logout, /serviceValidate...). */
const CAS_ENDPOINT = /\/(login|logout|validate|serviceValidate|proxyValidate|p3\/serviceValidate|p3\/proxyValidate)\/?$/i;

/** `CAS_SERVER_URL` is the CAS base URL: xuc and the web applications add the endpoints themselves. */
export function casServerUrlProblem(url: string): string | undefined {
  const endpoint = CAS_ENDPOINT.exec(url);
  if (!endpoint) return undefined;
  const base = url.slice(0, endpoint.index);
  return `"${url}" ends with the CAS endpoint /${endpoint[1]}: CAS_SERVER_URL is the CAS base URL, the applications add /login and /logout themselves; write "${base}"`;
}

/** The OIDC server URL is the realm (issuer) URL, not its discovery document or one of its endpoints. */
export function oidcServerUrlProblem(url: string): string | undefined {
  const endpoint = /\/(\.well-known\/openid-configuration|protocol\/openid-connect(\/[a-z/]*)?)\/?$/i.exec(url);
  if (!endpoint) return undefined;
  const base = url.slice(0, endpoint.index);
  return `"${url}" is the realm's ${endpoint[1].startsWith('.well-known') ? 'discovery document' : 'endpoint'} /${endpoint[1]}: OIDC_SERVER_URL is the realm (issuer) URL, the applications find the rest; write "${base}"`;
}

export function userSearchFilterProblem(filter: string): string | undefined {
  return filter.includes('%s') ? undefined : `"${filter}" has no %s: xuc puts the login in place of %s; write e.g. "uid=%s"`;
}

/**
 * A file meant to hold certificates only (a CA, a chain, a certificate) that holds a private key:
 * whatever reads it would copy the key on (a truststore, xivoxc.crt at 0644, upstream-ca.crt on the DMZ host).
 */
export function privateKeyInCertificatesProblem(pem: string): string | undefined {
  return /PRIVATE KEY-----/.test(pem) ? 'holds a PRIVATE KEY: give only the public CA or full-chain certificates, and never commit a key' : undefined;
}

/** A public CA PEM (or full chain): certificates only, never a private key. */
export function caPemProblem(pem: string): string | undefined {
  const privateKey = privateKeyInCertificatesProblem(pem);
  if (privateKey) return privateKey;
  const blocks = splitPemCertificates(pem);
  if (blocks.length === 0) return 'holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA or full-chain file of the LDAP server';
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      return 'holds a certificate block that does not parse: give the PEM file exactly as exported';
    }
  }
  return undefined;
}

/** Each `-----BEGIN CERTIFICATE-----` block of a PEM bundle, in order. */
export function splitPemCertificates(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

/** The service principal must be the name users open (XiVO CC documentation, "System Configuration": "must match the dns name"). */
export function principalHostProblem(principal: string, fronts: readonly string[]): string | undefined {
  const host = principal.replace(/^HTTP\//, '');
  if (fronts.includes(host)) return undefined;
  return `"${principal}" does not name the xuc front users open: the host must match its DNS name (XiVO CC "System Configuration"); write HTTP/${fronts[0] ?? '<publicNames.xucHost>'}`;
}

export function queueNameProblem(name: string): string | undefined {
  return /^out[a-z0-9_-]*$/.test(name)
    ? undefined
    : `"${name}" must start with "out" (xuc routes agent calls to a queue named out…) and hold lowercase letters, digits, _ or -; e.g. "outbound"`;
}

export function queueNumberProblem(number: string): string | undefined {
  return /^\d{1,10}$/.test(number) ? undefined : `"${number}" must be the queue's number, digits only, e.g. "3000"`;
}

export function outboundLengthProblem(length: number): string | undefined {
  return Number.isInteger(length) && length >= 1 && length <= 20 ? undefined : `${length} must be a number of digits between 1 and 20 (default 6)`;
}
