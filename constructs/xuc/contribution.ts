/** What a feature (an authentication mode, the outbound queue) adds to the xuc container; XucService composes them. */
import { ContainerUpload } from '../terraform-cdk';
import { HoconObject } from './hocon';

export interface XucContribution {
  /** Environment variables of xuc. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Part of `xuc.conf`. @default none */
  readonly conf?: HoconObject;
  /** Kerberos flags of JAVA_OPTS. @default none */
  readonly kerberosOptions?: readonly string[];
  /** Files delivered into the xuc container. @default none */
  readonly uploads?: readonly ContainerUpload[];
  /** PEM certificates xuc must trust (one per entry): XucService builds the truststore from them. @default none */
  readonly trustedCertificates?: readonly string[];
}

/** Files delivered into containers are read by the image's own user, whose uid is not known. */
export const CONTAINER_FILE_MODE = '0644';
