/**
 * Certificate: where a TLS endpoint's certificate comes from, chosen by the caller and built by
 * the endpoint (`bind`) under its own construct path:
 * - `Certificate.fromInternalCa(ca, names)`: signed by the environment's CA. In the CA's own
 *   stack it is signed locally; in another stack it is issued in the CA's stack (`InternalCa.issue`),
 *   so the CA key never leaves that stack's state;
 * - `Certificate.selfSigned(names)`;
 * - `Certificate.fromFiles(files, names)`: the operator's files, read by Terraform at plan time.
 */
import { Construct, IConstruct } from 'constructs';
import { TerraformStack } from '../terraform-cdk';
import { InternalCa } from './internal-ca';
import { CertificateFiles, planTimePemBundle, ProvidedCertificate } from './provided-certificate';
import { KeySpec } from './key-spec';
import { ServerCertificate } from './server-certificate';
import { TlsMaterial } from './tls-material';

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
      bind(scope: Construct, id: string): TlsMaterial {
        const props = { names, ...options };
        // The CA's own stack signs locally; any other stack gets its certificate issued there.
        if (TerraformStack.of(ca) === TerraformStack.of(scope)) return new ServerCertificate(scope, id, { ...props, ca });
        return ca.issue(new Construct(scope, id), props);
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

  /** Builds the certificate's resources under `scope` (as child `id`): what the endpoint serves. */
  abstract bind(scope: Construct, id: string): TlsMaterial;

  /**
   * The PEM a client of the endpoint verifies it with, as a Terraform value usable in `scope`'s
   * stack: the internal CA's certificate, or the operator's chain files.
   * @returns undefined for a self-signed certificate: nothing to verify it with
   */
  abstract trustPem(scope: IConstruct): string | undefined;
}
