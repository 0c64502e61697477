/**
 * ProvidedCertificate: the operator's certificate, key and chain (mode provided), read by
 * Terraform at plan time (never copied into cdktf.out). The bundle is leaf first, then the
 * chain in issuing order, as computed at synth when the files are present (config/rules-tls.ts
 * checks them); otherwise sorted by path. Either way the listed order of `chainFiles` never
 * changes the output (a reordered list restarts nothing). A CSR for the same
 * names is made from the operator's key so that a public CA can sign it (`xivoxc.csr`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { CertRequest, Fn } from '../terraform-cdk';
import { ValidationError } from '../errors';
import { PlanTimeFile } from '../plan-time-file';
import { checkChain } from './chain';
import { tlsProvider } from './providers';
import { TlsMaterial } from './tls-material';
import { SUBJECT_ORGANIZATION } from './tls-options';

/** The operator's files of one TLS endpoint. */
export interface CertificateFiles {
  /** The server certificate (PEM), possibly followed by its chain. */
  readonly certFile: string;
  /** Its private key (PEM, unencrypted). */
  readonly keyFile: string;
  /** Intermediate and root certificates, in any order. @default none */
  readonly chainFiles?: readonly string[];
}

export interface ProvidedCertificateProps {
  readonly spec: CertificateFiles;
  /** Directory the spec's paths are relative to (the environment file's). */
  readonly directory: string;
  /** DNS names; the first is the FQDN (CN of the CSR). */
  readonly names: readonly string[];
}

/** PEM files read at plan time and concatenated, one certificate after another. */
export function planTimePemBundle(scope: Construct, directory: string, files: readonly string[]): string {
  // trimspace + "\n": PEM files without a final newline would glue two BEGIN lines together.
  const pems = files.map((f) => Fn.trimspace(PlanTimeFile.fromFile(path.resolve(directory, f)).text(scope)));
  return `${Fn.join('\n', pems)}\n`;
}

export class ProvidedCertificate extends Construct implements TlsMaterial {
  /** Chain files in the order they are concatenated: issuing order when the files are there, else sorted by path. */
  static orderedChain(props: ProvidedCertificateProps): string[] {
    const abs = (f: string) => path.resolve(props.directory, f);
    const files = [props.spec.certFile, ...(props.spec.chainFiles ?? [])];
    if (!files.every((f) => fs.existsSync(abs(f)))) return [...(props.spec.chainFiles ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const read = (file: string) => ({ file, pem: fs.readFileSync(abs(file), 'utf8') });
    const { order } = checkChain({ cert: read(props.spec.certFile), chain: (props.spec.chainFiles ?? []).map(read), names: [] });
    const rest = (props.spec.chainFiles ?? []).filter((_, i) => !order.includes(i));
    return [...order.map((i) => (props.spec.chainFiles ?? [])[i]), ...rest];
  }

  readonly certificateChainPem: string;
  readonly privateKeyPem: string;
  readonly csrPem: string;

  constructor(scope: Construct, id: string, props: ProvidedCertificateProps) {
    super(scope, id);
    if (props.names.length === 0) throw new ValidationError('a provided certificate needs at least its FQDN in names', this);
    tlsProvider(this);
    this.certificateChainPem = planTimePemBundle(this, props.directory, [props.spec.certFile, ...ProvidedCertificate.orderedChain(props)]);
    this.privateKeyPem = PlanTimeFile.fromFile(path.resolve(props.directory, props.spec.keyFile)).secretText(this);
    this.csrPem = new CertRequest(this, 'csr', {
      privateKeyPem: this.privateKeyPem,
      subject: [{ commonName: props.names[0], organization: SUBJECT_ORGANIZATION }],
      dnsNames: [...props.names],
    }).certRequestPem;
  }
}
