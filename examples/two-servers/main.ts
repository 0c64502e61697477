/**
 * A two-server estate built from the constructs alone, without an environment YAML:
 * - `pbx`: the XiVO PBX host. XiVO itself is installed by its own installer; this stack holds
 *   the environment's internal CA, writes the CTI server's certificate, and sets the shared
 *   token in XiVO's `custom.env` (key by key: the installer's other keys are kept).
 * - `cc`: XiVO CC: xuc with LDAP authentication, the web applications, and the HTTPS front
 *   whose certificate the PBX stack's CA issues.
 *
 * Nothing is wired by hand: each server declares its roles, each service is built on its server,
 * and the platform answers at synth where each one is reached (XIVO_HOST, the front's routes).
 *
 * Deploy with `cdktf deploy` from this directory (see cdktf.json), with `TF_VAR_play_auth_token`,
 * `TF_VAR_ldap_manager_password` and xuc's credential variables set.
 */
import { App } from 'cdktf';
import {
  AuthLdap,
  Certificate,
  InternalCa,
  NginxFront,
  Role,
  Runbook,
  XivoPbxTls,
  XivoPlatform,
  XivoServer,
  XucmgtService,
  XucService,
} from '../../index';

export interface TwoServers {
  readonly pbx: XivoServer;
  readonly cc: XivoServer;
  readonly xuc: XucService;
  readonly front: NginxFront;
}

export function buildTwoServers(app: App): TwoServers {
  const platform = new XivoPlatform(app, 'example', { release: '2024.10.00', publicNames: { xucHost: 'cc.example.com' } });

  // The XiVO PBX (its stack deploys first): the CA, the CTI certificate; custom.env from the catalogue.
  const pbx = new XivoServer(app, 'pbx', {
    platform,
    address: '10.0.0.1',
    fqdn: 'xivo.example.com',
    docker: { host: 'ssh://root@10.0.0.1' },
    roles: [Role.XIVO],
  });
  const ca = InternalCa.create(pbx);
  new XivoPbxTls(pbx, 'xivo-tls', { ctiCertificate: Certificate.fromInternalCa(ca, ['xivo.example.com']) });

  // XiVO CC: xuc with LDAP, the web applications and the HTTPS front with the catalogue's routes.
  const cc = new XivoServer(app, 'cc', { platform, address: '10.0.0.2', docker: { host: 'ssh://root@10.0.0.2' }, roles: [Role.CC] });
  const ldap = AuthLdap.mode({
    url: 'ldaps://ldap.example.com:636',
    managerDN: 'cn=xuc,ou=services,dc=example,dc=com',
    searchBase: 'ou=people,dc=example,dc=com',
    userSearchFilter: 'uid=%s',
  });
  const xuc = new XucService(cc, 'xuc', { features: [ldap], loginTimeoutMs: 10000 });
  new XucmgtService(cc, 'xucmgt', { xuc });
  const front = new NginxFront(cc, 'nginx', { certificate: Certificate.fromInternalCa(ca, ['cc.example.com']) });
  return { pbx, cc, xuc, front };
}

if (require.main === module) {
  const app = new App();
  buildTwoServers(app);
  app.synth();
  Runbook.writeAll(app);
}
