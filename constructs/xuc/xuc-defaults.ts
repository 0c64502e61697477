/**
 * What XucService and its features compose, and their defaults: plain data (no cdktf), so that the
 * config layer validates and resolves an environment file with the same values the constructs
 * apply, without loading cdktf and the providers.
 */

/** Variables XucService composes itself, whatever the authentication modes. */
export const XUC_COMPOSED_VARIABLES = ['AUTH_PREVENT_XUC_LOGIN', 'CONFIG_FILE', 'JAVA_OPTS', 'LOGIN_TIMEOUT_MS'] as const;

/** Variables the JVM of xuc reads besides JAVA_OPTS: they would override the composed flags. */
export const MANAGED_JVM_VARIABLES = ['_JAVA_OPTIONS', 'JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS'] as const;

/** `LOGIN_TIMEOUT_MS` of xuc when none is given. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 5000;

/** Bounds of `LOGIN_TIMEOUT_MS`: below a second every login times out, above two minutes a user waits for nothing. */
export const LOGIN_TIMEOUT_LIMITS_MS = { min: 1000, max: 120000 } as const;

/** Numbers longer than this many digits go through the outbound queue by default (`xuc.outboundLength`). */
export const DEFAULT_OUTBOUND_LENGTH = 6;

/** The only Kerberos encryption types XiVO CC supports (XiVO CC "System Configuration"). */
export const KERBEROS_ENCRYPTION_TYPES = ['aes256-cts-hmac-sha1-96', 'arcfour-hmac', 'des3-cbc-sha1', 'des-cbc-crc'] as const;
export type KerberosEncryptionType = (typeof KERBEROS_ENCRYPTION_TYPES)[number];
/** Encryption types of the keytab when none are given. */
export const DEFAULT_KERBEROS_ENCRYPTION_TYPES: readonly KerberosEncryptionType[] = ['aes256-cts-hmac-sha1-96'];

/** `OIDC_USERNAME_FIELD` when none is given. */
export const DEFAULT_OIDC_USERNAME_FIELD = 'preferred_username';

/** `512m`, `2g`, `1024k` (JVM sizes: digits and one letter) → MiB. */
export function jvmSizeMiB(size: string): number {
  const n = Number(size.slice(0, -1));
  const unit = size.slice(-1).toLowerCase();
  return unit === 'g' ? n * 1024 : unit === 'm' ? n : n / 1024;
}

/** A heap given as `-Xms` and `-Xmx` (JVM sizes). */
export interface JvmHeap {
  readonly min: string;
  readonly max: string;
}

/** `-Xms` over `-Xmx`: the JVM refuses to start. `names` are the keys the message names (props or environment-file keys). */
export function heapOrderProblem(heap: JvmHeap, names: { readonly min: string; readonly max: string }): string | undefined {
  if (jvmSizeMiB(heap.min) <= jvmSizeMiB(heap.max)) return undefined;
  return `${heap.min} is larger than ${names.max} ${heap.max}: the JVM refuses to start; lower ${names.min}`;
}

/**
 * `-Xmx` at or over the container's memory limit: the kernel kills xuc under load (the JVM needs
 * room besides the heap). `names` are the keys the message names (props or environment-file keys).
 * @param limitMiB the container's memory limit; undefined or 0: no limit
 */
export function heapLimitProblem(
  heap: JvmHeap,
  limitMiB: number | undefined,
  names: { readonly max: string; readonly memory: string; readonly service: string },
): string | undefined {
  const max = jvmSizeMiB(heap.max);
  if (limitMiB === undefined || limitMiB === 0 || max < limitMiB) return undefined;
  return `-Xmx ${heap.max} (${max} MiB) does not fit in the ${limitMiB} MiB memory limit of ${names.service}: keep ${names.max} below it (the JVM needs room besides the heap) or raise ${names.memory}`;
}
