/**
 * JAVA_OPTS of xuc, composed from parts so that enabling one feature never drops another's
 * flags (the seed's warning: "keep the correct Xms and Xmx values").
 */
import { DEFAULT_XUC_HEAP } from '../../catalogue/services';

export interface JavaOptsParts {
  /** `-Xms`. @default DEFAULT_XUC_HEAP.min */
  readonly heapMin?: string;
  /** `-Xmx`. @default DEFAULT_XUC_HEAP.max */
  readonly heapMax?: string;
  /** `-Djavax.net.ssl.trustStore…` flags. @default none */
  readonly truststore?: readonly string[];
  /** `-Dsecured.krb5.…` flags. @default none */
  readonly kerberos?: readonly string[];
  /** Operator flags (`auth.jvm.extraOptions`), last so they can override. @default none */
  readonly extra?: readonly string[];
}

/** Heap first, then truststore, Kerberos and extra flags, space-separated. */
export function javaOpts(parts: JavaOptsParts): string {
  return [
    `-Xms${parts.heapMin ?? DEFAULT_XUC_HEAP.min}`,
    `-Xmx${parts.heapMax ?? DEFAULT_XUC_HEAP.max}`,
    ...(parts.truststore ?? []),
    ...(parts.kerberos ?? []),
    ...(parts.extra ?? []),
  ].join(' ');
}
