/**
 * XivoPbxTls: the TLS side of the XiVO PBX (seed 004). In mode internal-ca it holds the
 * environment's CA (the PBX stack deploys first). It writes the CTI server's STARTTLS
 * certificate and key where xivo-ctid looks by default (`/usr/share/xivo-certs/server.{crt,key}`),
 * and the authentication backend file in `/etc/xivo-ctid/conf.d/` when the environment
 * chooses one. xivo-ctid must be restarted to use them (seed 004).
 */
import { Construct } from 'constructs';
import { HOST_FILE_HELPER_IMAGE } from '../catalogue/services';
import { PublicName, Role } from '../catalogue/types';
import { HostFile } from './host-file';
import { withRegistry } from './image-ref';
import { serviceLabels, ServiceContext } from './service-container';
import { certificateFor } from './tls/certificate-for';
import { InternalCa } from './tls/internal-ca';
import { certificateNames, tlsOf } from './tls/tls-options';

export const CTI_CERT_PATH = '/usr/share/xivo-certs/server.crt';
export const CTI_KEY_PATH = '/usr/share/xivo-certs/server.key';
export const CTID_AUTH_CONF_PATH = '/etc/xivo-ctid/conf.d/50-xivo-cdktf-auth.yml';

export class XivoPbxTls extends Construct {
  readonly ca?: InternalCa;
  readonly files: readonly HostFile[];

  constructor(scope: Construct, id: string, ctx: ServiceContext) {
    super(scope, id);
    const { environment: env, server } = ctx;
    const tls = tlsOf(env);
    if (tls.mode === 'internal-ca') this.ca = InternalCa.create(this, env);
    const labels = serviceLabels(ctx, Role.XIVO, 'xivo-ctid');
    const file = (fileId: string, path: string, content: string, permissions: string) =>
      new HostFile(this, fileId, { path, content, permissions, labels, helperImage: withRegistry(env, HOST_FILE_HELPER_IMAGE) });
    const files: HostFile[] = [];
    const xivoHost = env.publicNames[PublicName.XIVO_HOST]!;
    const fqdn = /^\d+(\.\d+){3}$/.test(xivoHost) ? server.fqdn : xivoHost;
    const material = fqdn
      ? certificateFor(this, 'cti-certificate', env, { names: certificateNames(fqdn, [server.fqdn]), provided: tls.cti?.provided })
      : undefined;
    if (material) {
      files.push(file('cti-crt', CTI_CERT_PATH, material.certificateChainPem, '0644'), file('cti-key', CTI_KEY_PATH, material.privateKeyPem, '0600'));
    }
    if (tls.cti?.authBackend) {
      files.push(file('ctid-auth', CTID_AUTH_CONF_PATH, `auth:\n  backend: ${tls.cti.authBackend}\n`, '0644'));
    }
    this.files = files;
  }
}
