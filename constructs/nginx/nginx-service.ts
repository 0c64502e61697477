/**
 * NginxService: an nginx container with a rendered `nginx.conf` and its certificate files.
 *
 * Delivery: the configuration is uploaded into the container (a route change recreates the
 * container, so it always runs what was rendered); the certificate, key and CSR are written
 * on the host with HostFile (`/etc/docker/nginx/ssl/xivoxc.*` as XiVO CC "System Configuration" keeps them) and
 * bind-mounted read-only. nginx reads them only at start: the container carries the sha256 of
 * the certificate chain (and upstream CA) as labels, so a renewed certificate recreates it once
 * the files are rewritten (see ServiceContainer `recreateOn`).
 */
import { Construct } from 'constructs';
import { dependable, Lazy } from '../terraform-cdk';
import { ServiceDefinition } from '../../catalogue/types';
import { deploymentLabels, helperImageOf } from '../deployment';
import { ValidationError } from '../errors';
import { HostFile } from '../host-file';
import { ServiceContainer, ServiceOverrides } from '../service-container';
import { KeyFiles, TlsMaterial } from '../tls/tls-material';
import { XivoServer } from '../xivo-server';
import { NGINX_CONF_PATH, NGINX_SSL_DIR } from '../delivered-files';
import { NginxSite, renderNginxConfig } from './nginx-config';

export interface NginxServiceProps {
  /** The catalogue's nginx service (front or edge). */
  readonly definition: ServiceDefinition;
  /** The operator's changes to the catalogue service. @default none */
  readonly overrides?: ServiceOverrides;
  /** The site, with certificate paths under NGINX_SSL_DIR; a function is called when the stack is synthesized (routes added later are in). */
  readonly site: NginxSite | (() => NginxSite);
  readonly tls: TlsMaterial;
  /** Host directory of the certificate files, e.g. `/etc/docker/nginx/ssl`. */
  readonly sslHostDir: string;
  /** Base name of the files: `<base>.crt`, `<base>.key`, `<base>.csr`. */
  readonly fileBaseName: string;
  /** CA bundle written as `upstream-ca.crt` next to the certificate (edge → front verification). @default none */
  readonly upstreamTrustPem?: string;
}

/** Where an nginx service of `scope`'s server keeps its key and CSR (`Certificate.bind`'s keyFiles): `<sslHostDir>/<base>.key|csr`. */
export function nginxKeyFiles(scope: Construct, definition: ServiceDefinition, sslHostDir: string, fileBaseName: string): KeyFiles {
  const { deployment } = XivoServer.of(scope);
  return {
    keyPath: `${sslHostDir}/${fileBaseName}.key`,
    csrPath: `${sslHostDir}/${fileBaseName}.csr`,
    labels: deploymentLabels(deployment, definition.role, definition.name),
    helperImage: helperImageOf(deployment),
  };
}

/** File name of the upstream CA bundle in the certificate directory. */
export const UPSTREAM_TRUST_FILE = 'upstream-ca.crt';

export class NginxService extends Construct {
  readonly service: ServiceContainer;
  private readonly site: () => NginxSite;
  private readonly fileBaseName: string;
  readonly tlsFiles: readonly HostFile[];

  constructor(scope: Construct, id: string, props: NginxServiceProps) {
    super(scope, id);
    const { site, tls, sslHostDir, fileBaseName: base } = props;
    this.site = typeof site === 'function' ? site : () => site;
    this.fileBaseName = base;
    const { deployment } = XivoServer.of(this);
    const labels = deploymentLabels(deployment, props.definition.role, props.definition.name);
    const file = (fileId: string, name: string, content: string, permissions: string) =>
      new HostFile(this, fileId, {
        path: `${sslHostDir}/${name}`,
        content,
        permissions,
        labels,
        helperImage: helperImageOf(deployment),
      });
    // A key held by the server's key stack is written by that stack (nginxKeyFiles), never here.
    this.tlsFiles = [
      file('ssl-crt', `${base}.crt`, tls.certificateChainPem, '0644'),
      ...(tls.csrPem ? [file('ssl-csr', `${base}.csr`, tls.csrPem, '0644')] : []),
      ...(tls.privateKeyPem ? [file('ssl-key', `${base}.key`, tls.privateKeyPem, '0600')] : []),
      ...(props.upstreamTrustPem ? [file('upstream-ca', UPSTREAM_TRUST_FILE, props.upstreamTrustPem, '0644')] : []),
    ];
    this.service = new ServiceContainer(this, 'service', {
      definition: props.definition,
      overrides: props.overrides,
      // nginx.conf is rendered once, when the stack is synthesized.
      uploads: [{ file: NGINX_CONF_PATH, content: Lazy.stringValue({ produce: () => this.config }), permissions: '0644' }],
      mounts: [{ hostPath: sslHostDir, containerPath: NGINX_SSL_DIR, readOnly: true }],
      // A new key always comes with a new certificate: hashing the chain covers both.
      recreateOn: { certificate: tls.certificateChainPem, ...(props.upstreamTrustPem ? { 'upstream-ca': props.upstreamTrustPem } : {}) },
    });
    // dependable(): a bare reference ("${…}" is refused by Terraform in depends_on).
    this.service.container.dependsOn = this.tlsFiles.map((f) => dependable(f.container));
  }

  /** The rendered `nginx.conf` (as synth renders it, with what was added so far). */
  get config(): string {
    const site = this.site();
    const inContainer = (ext: string) => `${NGINX_SSL_DIR}/${this.fileBaseName}.${ext}`;
    if (site.certificateFile !== inContainer('crt') || site.keyFile !== inContainer('key')) {
      throw new ValidationError(`the site's certificate must be ${inContainer('crt')} and key ${inContainer('key')}`, this);
    }
    return renderNginxConfig(site);
  }
}
