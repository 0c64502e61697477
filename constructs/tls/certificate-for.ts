/** Chooses the certificate of a TLS endpoint from the environment's `tls.mode`. */
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Environment } from '../../config/model';
import { ProvidedCertificateSpec } from '../../config/schema-tls';
import { InternalCa } from './internal-ca';
import { ProvidedCertificate } from './provided-certificate';
import { ServerCertificate } from './server-certificate';
import { TlsMaterial } from './tls-material';
import { tlsOf } from './tls-options';

export interface CertificateForProps {
  /** DNS names, the FQDN first. */
  readonly names: readonly string[];
  /** The operator's files of this endpoint (mode provided). @default none: the endpoint gets no certificate */
  readonly provided?: ProvidedCertificateSpec;
}

/** The endpoint's certificate, or undefined in mode provided without files for it. */
export function certificateFor(scope: Construct, id: string, env: Environment, props: CertificateForProps): TlsMaterial | undefined {
  const tls = tlsOf(env);
  switch (tls.mode) {
    case 'provided':
      return props.provided ? new ProvidedCertificate(scope, id, { spec: props.provided, directory: env.directory, names: props.names }) : undefined;
    case 'internal-ca':
    case 'self-signed': {
      const common = { names: props.names, key: tls.key, validityDays: tls.validityDays, earlyRenewalDays: tls.earlyRenewalDays };
      if (tls.mode === 'self-signed') return new ServerCertificate(scope, id, common);
      const ca = InternalCa.of(scope, env);
      // The CA's own stack signs locally; any other stack gets its certificate issued there.
      if (TerraformStack.of(ca) === TerraformStack.of(scope)) return new ServerCertificate(scope, id, { ...common, ca });
      return ca.issue(new Construct(scope, id), common);
    }
  }
}
