/**
 * XivoPbxTls: the TLS side of the XiVO PBX (XiVO documentation, "CTI Server"). It writes the
 * CTI server's STARTTLS certificate and key where xivo-ctid looks by default
 * (`/usr/share/xivo-certs/server.{crt,key}`), and the authentication backend file in
 * `/etc/xivo-ctid/conf.d/` when one is chosen. xivo-ctid must be restarted to use them. Built under
 * the XivoServer of the PBX.
 */
import { Construct } from 'constructs';
import { Role } from '../catalogue/types';
import { deploymentLabels, helperImageOf } from './deployment';
import { HostFile } from './host-file';
import { Certificate } from './tls/certificate';
import { XivoServer } from './xivo-server';

export const CTI_CERT_PATH = '/usr/share/xivo-certs/server.crt';
export const CTI_KEY_PATH = '/usr/share/xivo-certs/server.key';
export const CTID_AUTH_CONF_PATH = '/etc/xivo-ctid/conf.d/50-xivo-cdktf-auth.yml';

export interface XivoPbxTlsProps {
  /** The CTI server's certificate. @default none: xivo-ctid keeps its own */
  readonly ctiCertificate?: Certificate;
  /** xivo-ctid's authentication backend (`auth.backend` in conf.d), e.g. `xivo_user`. @default none: XiVO's default */
  readonly ctiAuthBackend?: string;
}

export class XivoPbxTls extends Construct {
  readonly files: readonly HostFile[];

  constructor(scope: Construct, id: string, props: XivoPbxTlsProps) {
    super(scope, id);
    const { deployment } = XivoServer.of(this);
    const labels = deploymentLabels(deployment, Role.XIVO, 'xivo-ctid');
    const file = (fileId: string, path: string, content: string, permissions: string) =>
      new HostFile(this, fileId, { path, content, permissions, labels, helperImage: helperImageOf(deployment) });
    const files: HostFile[] = [];
    const keyFiles = { keyPath: CTI_KEY_PATH, labels, helperImage: helperImageOf(deployment) };
    const material = props.ctiCertificate?.bind(this, 'cti-certificate', keyFiles);
    if (material) files.push(file('cti-crt', CTI_CERT_PATH, material.certificateChainPem, '0644'));
    // A key held by the server's key stack is written by that stack.
    if (material?.privateKeyPem) files.push(file('cti-key', CTI_KEY_PATH, material.privateKeyPem, '0600'));
    if (props.ctiAuthBackend) {
      files.push(file('ctid-auth', CTID_AUTH_CONF_PATH, `auth:\n  backend: ${props.ctiAuthBackend}\n`, '0644'));
    }
    this.files = files;
  }
}
