/**
 * Addresses and DNS names as operators write them, and the near misses that would pass a loose
 * pattern and fail on deploy day: `10.40.0.330` (a "DNS name" of digits, which nginx refuses),
 * `10.040.0.1` (octal to some programs), `cc.example.com.` (the DNS root dot, which certificates
 * and nginx server names do not carry), `https://cc.example.com` or `10.0.0.5:8443` (a URL or a
 * port where the bare name goes). Each gets a message that says what to write instead.
 */

/** A DNS name: labels of letters, digits and '-', not starting or ending with '-'. */
export const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** Dotted-quad IPv4, each number 0-255 without a leading zero. */
export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A DNS name whose last label is not all digits (RFC 3696, 2: a top-level domain is never all-numeric). */
export const isDnsName = (v: string): boolean => HOSTNAME.test(v) && !/^\d+$/.test(v.split('.').pop()!);

/**
 * The near misses of an address or DNS name, each with what to write instead; undefined for a
 * value that is simply not a name (the field's own message then applies).
 */
export function hostNearMiss(value: string): string | undefined {
  const shown = JSON.stringify(value);
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#@]*)/i.exec(value);
  if (url) return `${shown} is a URL: write the name or address alone, ${JSON.stringify(url[1])}`;
  const port = /^([^:]+):(\d+)$/.exec(value);
  if (port)
    return `${shown} holds a port (:${port[2]}): write the name or address alone, ${JSON.stringify(port[1])} (ports are set where each is used)`;
  const bare = value.slice(0, -1);
  if (value.endsWith('.') && (isDnsName(bare) || IPV4.test(bare))) {
    return `${shown} ends with a dot (the DNS root): browsers, certificates and nginx use the name without it; write ${JSON.stringify(bare)}`;
  }
  if (/^[\d.]+$/.test(value) && !IPV4.test(value)) return dottedNumbersProblem(value);
  return undefined;
}

/** `10.40.0.330`, `10.040.0.1`, `10.40.0`: digits and dots that are no IPv4 address (and no DNS name: a name's last label is never all digits). */
function dottedNumbersProblem(value: string): string {
  const shown = JSON.stringify(value);
  const parts = value.replace(/\.$/, '').split('.');
  if (parts.length !== 4 || parts.some((p) => p === '')) {
    return `${shown} is not an IPv4 address: it has ${parts.filter(Boolean).length} numbers, an IPv4 address has 4 (e.g. "10.0.0.5"); a DNS name cannot be all digits either`;
  }
  const over = parts.find((p) => Number(p) > 255);
  if (over)
    return `${shown} is not an IPv4 address: ${over} is over 255 (each of the 4 numbers is 0-255); a DNS name cannot be all digits either: write the server's real address`;
  const fixed = parts.map((p) => String(Number(p))).join('.');
  return `${shown} has a number with a leading zero, which some programs read as octal: write ${JSON.stringify(fixed)}`;
}

/** A string schema check: valid when `ok`; otherwise the near miss's message, else `fallback`. */
export function hostCheck(ok: (v: string) => boolean, fallback: string): (value: string) => string | undefined {
  return (value) => (ok(value) ? undefined : (hostNearMiss(value) ?? fallback));
}

export interface Cidr {
  readonly version: 4 | 6;
  readonly prefix: number;
  /** The network address with the host bits cleared, in the form written (dotted or hexadecimal groups). */
  readonly network: string;
  /** The address part has bits set past the prefix (`10.0.0.5/8`). */
  readonly hostBitsSet: boolean;
}

/** A CIDR network as nginx's geo module reads it; undefined when it is not one (the schema refuses it). */
export function parseCidr(cidr: string): Cidr | undefined {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  if (IPV4.test(address)) {
    const value = address.split('.').reduce((n, part) => n * 256n + BigInt(part), 0n);
    const network = (value >> BigInt(32 - prefix)) << BigInt(32 - prefix);
    const dotted = [24n, 16n, 8n, 0n].map((shift) => String((network >> shift) & 255n)).join('.');
    return { version: 4, prefix, network: `${dotted}/${prefix}`, hostBitsSet: network !== value };
  }
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  const value = groups.reduce((n, g) => n * 65536n + BigInt(g), 0n);
  const network = (value >> BigInt(128 - prefix)) << BigInt(128 - prefix);
  const hex = Array.from({ length: 8 }, (_, i) => ((network >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
  return { version: 6, prefix, network: `${hex.replace(/(^|:)0(:0)+(:|$)/, '::')}/${prefix}`, hostBitsSet: network !== value };
}

/** The 8 groups of an IPv6 address (`::` expanded); undefined for a form not handled here (embedded IPv4). */
function ipv6Groups(address: string): number[] | undefined {
  if (!/^[0-9a-f:]+$/i.test(address)) return undefined;
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<number>(missing).fill(0), ...right];
}
