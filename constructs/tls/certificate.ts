/**
 * Certificate: where a TLS endpoint's certificate comes from, chosen by the caller and built by
 * the endpoint (`bind`) under its own construct path:
 * - `Certificate.fromInternalCa(ca, names)`: signed by the environment's CA. In the CA's own
 *   stack it is made and signed locally; in another stack the key and CSR are made in the server's
 *   key stack (`ServerKeyStack`), which writes them on the host, and the CA's stack signs the CSR
 *   (`InternalCa.sign`): the CA key stays in the CA's state, the endpoint's key in its key stack's;
 * - `Certificate.selfSigned(names)`;
 * - `Certificate.fromFiles(files, names)`: the operator's files, read by Terraform at plan time.
 */
import { Construct, IConstruct } from 'constructs';
import { TerraformStack } from '../terraform-cdk';
import { InternalCa } from './internal-ca';
import { CertificateFiles, planTimePemBundle, ProvidedCertificate } from './provided-certificate';
import { KeySpec } from './key-spec';
import { ServerCertificate } from './server-certificate';
import { KeyFiles, TlsMaterial } from './tls-material';
import { ServerKeyStack } from './server-key-stack';
import { ValidationError } from '../errors';
import { XivoServer } from '../xivo-server';

/** Options of a generated certificate. */
export interface GeneratedCertificateOptions {
  /** @default CERTIFICATE_DEFAULTS.key (RSA 2048) */
  readonly key?: KeySpec;
  /** @default CERTIFICATE_DEFAULTS.validityDays (397) */
  readonly validityDays?: number;
  /** @default CERTIFICATE_DEFAULTS.earlyRenewalDays (30) */
  readonly earlyRenewalDays?: number;
}

export abstract class Certificate {
  /** Signed by the internal CA; `names` are DNS names, the FQDN first (the CN). */
  static fromInternalCa(ca: InternalCa, names: readonly string[], options: GeneratedCertificateOptions = {}): Certificate {
    return new (class extends Certificate {
      bind(scope: Construct, id: string, keyFiles?: KeyFiles): TlsMaterial {
        const props = { names, ...options };
        // The CA's own stack signs locally; any other stack's key is made in its key stack and its CSR signed by the CA.
        if (TerraformStack.of(ca) === TerraformStack.of(scope)) return new ServerCertificate(scope, id, { ...props, ca });
        const endpoint = new Construct(scope, id);
        if (!keyFiles)
          throw new ValidationError('a certificate of the internal CA of another stack needs keyFiles: its key stack writes the key there', endpoint);
        const key = ServerKeyStack.of(XivoServer.of(scope)).addKey(endpoint, { names, key: options.key, files: keyFiles });
        return { certificateChainPem: ca.sign(endpoint, key.csrPem, options) };
      }

      trustPem(): string {
        return ca.certPem;
      }
    })(names);
  }

  /** Self-signed: browsers warn until each client trusts it. */
  static selfSigned(names: readonly string[], options: GeneratedCertificateOptions = {}): Certificate {
    return new (class extends Certificate {
      bind(scope: Construct, id: string): TlsMaterial {
        return new ServerCertificate(scope, id, { names, ...options });
      }

      trustPem(): undefined {
        return undefined;
      }
    })(names);
  }

  /**
   * The operator's certificate, key and chain (PEM files, read at plan time, never copied into
   * cdktf.out). @param directory the directory relative paths start from; @default the working directory
   */
  static fromFiles(files: CertificateFiles, names: readonly string[], directory = '.'): Certificate {
    return new (class extends Certificate {
      bind(scope: Construct, id: string): TlsMaterial {
        return new ProvidedCertificate(scope, id, { spec: files, directory, names });
      }

      trustPem(scope: IConstruct): string | undefined {
        // The chain files up to the root (the rules require them), read at plan time.
        return files.chainFiles?.length ? planTimePemBundle(scope, directory, files.chainFiles) : undefined;
      }
    })(names);
  }

  protected constructor(
    /** DNS names the certificate is for, the FQDN first. */
    readonly names: readonly string[],
  ) {}

  /**
   * Builds the certificate's resources under `scope` (as child `id`): what the endpoint serves.
   * @param keyFiles where the endpoint keeps its key and CSR on its host: given, a key held by another
   * stack (the server's key stack) is written there by that stack, and the material has no key
   * @default none: the material carries the key, for the endpoint to write
   */
  abstract bind(scope: Construct, id: string, keyFiles?: KeyFiles): TlsMaterial;

  /**
   * The PEM a client of the endpoint verifies it with, as a Terraform value usable in `scope`'s
   * stack: the internal CA's certificate, or the operator's chain files.
   * @returns undefined for a self-signed certificate: nothing to verify it with
   */
  abstract trustPem(scope: IConstruct): string | undefined;
}
