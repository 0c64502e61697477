/**
 * XivoPlatform and XivoServer, built from props: services compose by reference. Each server
 * registers itself and each service its container; at synth the platform answers where a service
 * is reached (same server: its alias and internal port; another server: its address and published
 * port), the public names derived from placement, the start order of the stacks, and every internal
 * name. What the platform cannot answer is refused with the variable it was for.
 */
import { TerraformStack, Testing } from '../constructs/terraform-cdk';
import { findService } from '../catalogue/services';
import { PublicName, Role } from '../catalogue/types';
import { ServiceContainer } from '../constructs/service-container';
import { Runbook } from '../constructs/runbook';
import { AuthKerberos } from '../constructs/xuc/auth-kerberos';
import { AuthLdap } from '../constructs/xuc/auth-ldap';
import { XucService } from '../constructs/xuc/xuc-service';
import { PlanTimeFile } from '../constructs/plan-time-file';
import { LIBRARY_NAMES, libraryPlatform, libraryStack } from './support/library-stack';
import { Template } from './support/template';
import { expectValidationError, thrownBy } from './support/thrown';

const service = (scope: TerraformStack, id: string, overrides = {}) => new ServiceContainer(scope, id, { definition: findService(id)!, overrides });

/** A PBX, a CC server for the applications and one for the database (another Docker host each). */
function splitPlatform() {
  const pbx = libraryStack({
    name: 'pbx',
    roles: [Role.XIVO],
    address: '10.0.0.1',
    dockerHost: 'ssh://root@10.0.0.1',
    platformProps: { publicNames: { xucHost: 'cc.lib.example.com' } },
  });
  const app = libraryStack({ platform: pbx.platform, name: 'app', address: '10.0.0.2', dockerHost: 'ssh://root@10.0.0.2' });
  const db = libraryStack({ platform: pbx.platform, name: 'db', address: '10.0.0.3', dockerHost: 'ssh://root@10.0.0.3' });
  return { platform: pbx.platform, pbx: pbx.stack, app: app.stack, db: db.stack };
}

describe('where a service is reached, by the platform', () => {
  const { platform, pbx, app, db } = splitPlatform();
  service(db, 'cc.pgxivocc', { ports: { postgres: 5444 } });
  service(app, 'cc.xivo-full-stats');
  service(db, 'cc.pack-reporting');
  new XucService(app, 'xuc');

  test('another server: its address and the published port (the operator’s)', () => {
    expect(Template.fromStack(app).container('xivocc-xivo-full-stats').env).toEqual({ DB_HOST: '10.0.0.3', DB_PORT: '5444' });
  });

  test('the same server: the container alias and the internal port', () => {
    expect(Template.fromStack(db).container('xivocc-pack-reporting').env).toEqual({ DB_HOST: 'xivocc-pgxivocc', DB_PORT: '5432' });
  });

  test('XIVO_HOST is the PBX server’s address when the platform gives none (its DNS name when it has one)', () => {
    expect(Template.fromStack(app).container('xivocc-xuc').env.XIVO_HOST).toBe('10.0.0.1');
    expect(platform.publicName(PublicName.XIVO_HOST)).toBe('10.0.0.1');
  });

  test('configmgt, served by XiVO itself when the platform runs none: the PBX’s address, or its host gateway from its own Docker host', () => {
    expect(platform.endpoint(app, 'xivo.configmgt')).toEqual({ host: '10.0.0.1', port: 9100, local: false });
    expect(platform.endpoint(pbx, 'xivo.configmgt')).toEqual({ host: 'host.docker.internal', port: 9100, local: false });
  });

  test('stacks wait for the stacks of earlier roles, in XiVO’s start order', () => {
    expect(app.dependencies).toEqual([pbx]);
    expect(db.dependencies).toEqual([pbx]);
    expect(platform.deployOrder()).toEqual([pbx, app, db]);
  });
});

describe('public names and role files', () => {
  test('a role file from the catalogue: the recording server’s host and port only when one runs', () => {
    const withRecording = libraryStack();
    service(withRecording.stack, 'cc.pgxivocc');
    service(withRecording.stack, 'cc.recording-server');
    expect(
      Template.fromStack(withRecording.stack).container('xivo-env-etc-docker-compose-custom.env').upload('/xivo-cdktf/managed.env').content,
    ).toBe(
      'PLAY_AUTH_TOKEN=${var.play_auth_token}\nRECORDING_SERVER_HOST=10.0.0.2\nRECORDING_SERVER_PORT=9400\nXIVO_HOST=pbx.lib.example.com\nXUC_HOST=cc.lib.example.com\n',
    );
    const without = libraryStack();
    expect(Template.fromStack(without.stack).container('xivo-env-etc-docker-compose-custom.env').upload('/xivo-cdktf/managed.env').content).toBe(
      'PLAY_AUTH_TOKEN=${var.play_auth_token}\nXIVO_HOST=pbx.lib.example.com\nXUC_HOST=cc.lib.example.com\n',
    );
  });

  test('every internal name: public names, servers, containers, and the directory and Kerberos servers of the modes', () => {
    const built = libraryStack();
    new XucService(built.stack, 'xuc', {
      features: [
        AuthLdap.mode({ url: 'ldaps://ldap.lib.example.com:636', managerDN: 'cn=r', searchBase: 'dc=lib', userSearchFilter: 'uid=%s' }),
        AuthKerberos.mode({
          realm: 'LIB',
          kdc: ['kdc1.lib.example.com:88'],
          adminServer: 'kdc2.lib.example.com',
          principal: 'HTTP/cc.lib.example.com',
          fronts: ['cc.lib.example.com'],
          keytab: PlanTimeFile.fromFile('/k'),
        }),
      ],
    });
    expect(built.platform.internalNames()).toEqual(
      [
        '10.0.0.2',
        'cc.lib.example.com',
        'kdc1.lib.example.com',
        'kdc2.lib.example.com',
        'ldap.lib.example.com',
        'lib-cc1',
        'pbx.lib.example.com',
        'xivocc-xuc',
      ].sort(),
    );
  });
});

describe('refusals', () => {
  test('a construct outside any XivoServer', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    expectValidationError(
      () => service(stack, 'cc.xuc'),
      's/cc.xuc',
      's/cc.xuc: is not built under a XivoServer: build it in the XivoServer of its server (new XivoServer(app, name, { platform, ... }))',
    );
    expectValidationError(
      () => new Runbook(stack, 'rb', { name: 'notes', content: '# x' }),
      's/rb',
      's/rb: is not built under a XivoServer: build it in the XivoServer of its server (new XivoServer(app, name, { platform, ... }))',
    );
  });

  test('the scope of a role the server does not carry', () => {
    const { stack } = libraryStack();
    expectValidationError(() => stack.role(Role.XIVO), 'lib-cc1', 'lib-cc1: carries no role "xivo" (its roles: cc): add it to the server\'s roles');
  });

  test('a service of a one-server role built on two servers', () => {
    const first = libraryStack();
    const second = libraryStack({ platform: first.platform, name: 'cc2', address: '10.0.0.3' });
    service(first.stack, 'cc.xuc');
    expectValidationError(
      () => service(second.stack, 'cc.xuc'),
      'lib-cc2/cc.xuc',
      'lib-cc2/cc.xuc: cc.xuc already runs on server "cc1": a service of role "cc" runs on exactly one server of the platform',
    );
  });

  test('a public name the platform has not: refused at synth, naming the variable, never left out', () => {
    const built = libraryStack({ platformProps: { publicNames: { xucHost: 'cc.lib.example.com' } } });
    new XucService(built.stack, 'xuc');
    expectValidationError(
      () => Template.fromStack(built.stack),
      'lib-cc1/cc',
      'lib-cc1/cc: XIVO_HOST needs the public name xivoHost, which the platform has not: give XivoPlatform publicNames.xivoHost, or add the server with role xivo',
    );
  });

  test('a service the platform does not run: refused at synth (no DB_HOST without the database)', () => {
    const built = libraryStack();
    service(built.stack, 'cc.recording-server');
    const error = thrownBy(() => Template.fromStack(built.stack));
    expect(error.message).toBe(
      'lib-cc1/cc.recording-server: DB_HOST needs cc.pgxivocc, which runs on no server of the platform: build its ServiceContainer on a server, or leave this service out',
    );
  });

  test('a platform without a name users open: the UC-Addon role file is refused, with what to give', () => {
    const built = libraryStack({ roles: [Role.UC_ADDON], platformProps: { publicNames: LIBRARY_NAMES } });
    expect(thrownBy(() => Template.fromStack(built.stack)).message).toBe(
      'lib-cc1/ucaddon: XUC_HOST needs the public name ucAddonHost, which the platform has not: give XivoPlatform publicNames.ucAddonHost (the name users open)',
    );
  });

  test('the platform answers nothing for a service nobody runs and XiVO does not serve', () => {
    expect(
      libraryPlatform().endpoint({ address: '10.0.0.9', dockerHost: 'unix:///x', serverName: 'x', roles: [], stackName: 'lib-x' }, 'cc.kibana'),
    ).toBeUndefined();
  });
});
