/** Chooses the certificate of a TLS endpoint from the environment's `tls.mode`. */
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
    case 'self-signed':
      return new ServerCertificate(scope, id, {
        names: props.names,
        ca: tls.mode === 'internal-ca' ? InternalCa.of(scope, env) : undefined,
        key: tls.key,
        validityDays: tls.validityDays,
        earlyRenewalDays: tls.earlyRenewalDays,
      });
  }
}
