/**
 * A two-server estate built from the constructs alone, without an environment YAML:
 * - `pbx`: the XiVO PBX host. XiVO itself is installed by its own installer; this stack holds
 *   the environment's internal CA, writes the CTI server's certificate, and sets the shared
 *   token in XiVO's `custom.env` (key by key: the installer's other keys are kept).
 * - `cc`: XiVO CC: xuc with LDAP authentication, the web applications, and the HTTPS front
 *   whose certificate the PBX stack's CA issues.
 *
 * Deploy with `cdktf deploy` from this directory (see cdktf.json), with `TF_VAR_play_auth_token`,
 * `TF_VAR_ldap_manager_password` and xuc's credential variables set.
 */
import { App, TerraformStack } from 'cdktf';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Network } from '@cdktf/provider-docker/lib/network';
import {
  AuthLdap,
  Certificate,
  Deployment,
  EnvFileKeys,
  FrontRoute,
  InternalCa,
  NginxFront,
  PlatformDirectory,
  PublicName,
  ServiceId,
  SharedToken,
  XivoPbxTls,
  XucmgtService,
  XucService,
} from '../../index';

const ENVIRONMENT = 'example';
const RELEASE = '2024.10.00';
const PBX_ADDRESS = '10.0.0.1';
const CC_NAME = 'cc.example.com';

/** A route of the front to a service running next to it, on the same Docker network. */
const local = (path: string, service: ServiceId, host: string, port: number, websocket = false): FrontRoute => ({
  path,
  targetName: service,
  serviceId: service,
  endpoint: { host, port, local: true },
  websocket,
  extra: false,
});

export interface TwoServers {
  readonly pbx: TerraformStack;
  readonly cc: TerraformStack;
  readonly xuc: XucService;
  readonly front: NginxFront;
}

export function buildTwoServers(app: App): TwoServers {
  const directory = PlatformDirectory.of({ publicNames: { [PublicName.XIVO_HOST]: PBX_ADDRESS, [PublicName.XUC_HOST]: CC_NAME } });

  // The XiVO PBX: the CA (in the stack deployed first), the CTI certificate and the shared token.
  const pbx = new TerraformStack(app, 'pbx');
  new DockerProvider(pbx, 'docker', { host: `ssh://root@${PBX_ADDRESS}` });
  const pbxDeployment: Deployment = {
    environment: ENVIRONMENT,
    release: RELEASE,
    server: 'pbx',
    network: new Network(pbx, 'network', { name: 'example-pbx' }),
    directory,
    onXivoHost: true,
  };
  const ca = InternalCa.create(pbx, { environment: ENVIRONMENT });
  new XivoPbxTls(pbx, 'xivo-tls', { deployment: pbxDeployment, ctiCertificate: Certificate.fromInternalCa(ca, ['xivo.example.com']) });
  new EnvFileKeys(pbx, 'custom-env', { path: '/etc/docker/xivo/custom.env', values: { PLAY_AUTH_TOKEN: SharedToken.of(pbx).value } });

  // XiVO CC: xuc with LDAP, the web applications and the HTTPS front.
  const cc = new TerraformStack(app, 'cc');
  cc.addDependency(pbx);
  new DockerProvider(cc, 'docker', { host: 'ssh://root@10.0.0.2' });
  const deployment: Deployment = {
    environment: ENVIRONMENT,
    release: RELEASE,
    server: 'cc',
    network: new Network(cc, 'network', { name: 'example-cc' }),
    directory,
  };
  const ldap = AuthLdap.mode({
    url: 'ldaps://ldap.example.com:636',
    managerDN: 'cn=xuc,ou=services,dc=example,dc=com',
    searchBase: 'ou=people,dc=example,dc=com',
    userSearchFilter: 'uid=%s',
  });
  const xuc = new XucService(cc, 'xuc', { deployment, features: [ldap], loginTimeoutMs: 10000 });
  new XucmgtService(cc, 'xucmgt', { deployment, authentication: [ldap] });
  const front = new NginxFront(cc, 'nginx', {
    deployment,
    publicName: CC_NAME,
    certificate: Certificate.fromInternalCa(ca, [CC_NAME]),
    routes: [local('/', 'cc.xucmgt', 'xivocc-xucmgt', 8070), local('/xuc', 'cc.xuc', 'xivocc-xuc', 8090)],
  });
  // Routes can be added later: nginx.conf is rendered with them.
  front.addRoute(local('/xuc/api/2.0/cti', 'cc.xuc', 'xivocc-xuc', 8090, true));
  return { pbx, cc, xuc, front };
}

if (require.main === module) {
  const app = new App();
  buildTwoServers(app);
  app.synth();
}
