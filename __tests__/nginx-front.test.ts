/**
 * NginxFront and EdgeProxy built from props: the standard routes come from the catalogue by
 * default, `addRoute(path, service)` takes a service by reference, each route reaches its target by
 * the platform's rule, and the edge takes its front and hides every name the platform knows. Every
 * construct-level refusal with its exact message.
 */
import { findService } from '../catalogue/services';
import { RateZone } from '../catalogue/routes';
import { Role } from '../catalogue/types';
import { EdgeProxy, EdgeProxyProps } from '../constructs/nginx/edge-proxy';
import { NginxFront } from '../constructs/nginx/nginx-front';
import { ServiceContainer } from '../constructs/service-container';
import { Certificate } from '../constructs/tls/certificate';
import { XucService } from '../constructs/xuc/xuc-service';
import { XucmgtService } from '../constructs/xuc/xucmgt-service';
import { libraryStack } from './support/library-stack';
import { Template } from './support/template';
import { expectValidationError, thrownBy } from './support/thrown';

const CERT = Certificate.selfSigned(['cc.lib.example.com']);
const confOf = (template: Template, container: string) => template.container(container).upload('/etc/nginx/nginx.conf').content as string;

/** A PBX, a CC server (xuc, xucmgt, the front) and a reporting server (kibana and its index). */
function estate() {
  const pbx = libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '10.0.0.1', dockerHost: 'ssh://root@10.0.0.1' });
  const cc = libraryStack({ platform: pbx.platform, name: 'cc', address: '10.0.0.2', dockerHost: 'ssh://root@10.0.0.2' });
  const reporting = libraryStack({ platform: pbx.platform, name: 'reporting', address: '10.0.0.3', dockerHost: 'ssh://root@10.0.0.3' });
  const xuc = new XucService(cc.stack, 'xuc');
  new XucmgtService(cc.stack, 'xucmgt', { xuc });
  const front = new NginxFront(cc.stack, 'nginx', { certificate: CERT });
  const es = new ServiceContainer(reporting.stack, 'elasticsearch', { definition: findService('cc.elasticsearch')! });
  const kibana = new ServiceContainer(reporting.stack, 'kibana', { definition: findService('cc.kibana')! });
  return { ...pbx, pbx: pbx.stack, cc: cc.stack, reporting: reporting.stack, xuc, front, es, kibana };
}

describe('NginxFront', () => {
  test("the catalogue's routes by default, each to where its service runs: alias on the front's server, address and published port elsewhere", () => {
    const { cc, front } = estate();
    const routes = Object.fromEntries(front.routes.map((r) => [r.path, `${r.endpoint.host}:${r.endpoint.port}`]));
    expect(routes).toMatchObject({
      '/': 'xivocc-xucmgt:8070',
      '/xuc': 'xivocc-xuc:8090',
      '/kibana': '10.0.0.3:5601',
      '/configmgt': '10.0.0.1:9100',
      '/wssip': '10.0.0.1:5039',
    });
    // Services that do not run are not routed: no recording server, no SpagoBI.
    expect(Object.keys(routes)).not.toContain('/recording');
    expect(Object.keys(routes)).not.toContain('/SpagoBI');
    expect(confOf(Template.fromStack(cc), 'xivocc-nginx')).toContain('server 10.0.0.3:5601;');
  });

  test('addRoute takes a service by reference, with its port, WebSocket and edge zone', () => {
    const { cc, front, es } = estate();
    front.addRoute('/es', es, { websocket: true, edgeZone: RateZone.APIS });
    expect(front.routes.find((r) => r.path === '/es')).toEqual({
      path: '/es',
      targetName: 'cc.elasticsearch',
      serviceId: 'cc.elasticsearch',
      endpoint: { host: '10.0.0.3', port: 9200, local: false },
      websocket: true,
      edgeZone: 'apis',
      extra: true,
    });
    expect(confOf(Template.fromStack(cc), 'xivocc-nginx')).toMatch(/location \/es \{[^}]*proxy_set_header Upgrade \$http_upgrade;/);
  });

  test('no standard routes, and no SIP WebSocket, when asked', () => {
    const bare = libraryStack();
    expect(new NginxFront(bare.stack, 'nginx', { certificate: CERT, standardRoutes: false }).routes).toEqual([]);
    const pbx = libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '10.0.0.1' });
    const noSip = libraryStack({ platform: pbx.platform, name: 'cc' });
    expect(new NginxFront(noSip.stack, 'nginx', { certificate: CERT, sipWebSocket: false }).routes.map((r) => r.path)).not.toContain('/wssip');
    const sip = libraryStack({ platform: libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '10.0.0.1' }).platform, name: 'cc' });
    expect(
      new NginxFront(sip.stack, 'nginx', { certificate: CERT, sipWebSocket: { port: 8089, path: '/asterisk/ws' } }).routes.find(
        (r) => r.path === '/wssip',
      ),
    ).toMatchObject({
      endpoint: { host: '10.0.0.1', port: 8089, local: false },
      upstreamPath: '/asterisk/ws',
    });
  });

  test('a route to a loopback Asterisk warns at synth: inside the container it is the container itself', () => {
    const pbx = libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '127.0.0.1' });
    const cc = libraryStack({ platform: pbx.platform, name: 'cc' });
    new NginxFront(cc.stack, 'nginx', { certificate: CERT });
    expect(Template.fromStack(cc.stack).warnings()).toEqual([
      'lib-cc/nginx: /wssip leads to Asterisk at 127.0.0.1:5039, a loopback address: inside the nginx container it is the container itself; give the server its LAN address, or set tls.sipWebSocket.enabled: false',
    ]);
  });

  describe('refusals', () => {
    test('no public name: none given and none on the platform', () => {
      const built = libraryStack({ platformProps: { publicNames: { xivoHost: 'pbx.lib.example.com' } } });
      expectValidationError(
        () => new NginxFront(built.stack, 'nginx', { certificate: CERT }),
        'lib-cc1/nginx',
        'lib-cc1/nginx: the front needs its public name: give publicName, or XivoPlatform publicNames.xucHost',
      );
    });

    test.each([
      [
        'a path nginx would not read as written',
        '/a b',
        'cc.xuc',
        {},
        '"/a b" must be a URL path starting with "/" of letters, digits and . _ ~ / - (nginx reads it as written), e.g. "/myapp"',
      ],
      [
        'a path without its slash',
        'xuc',
        'cc.xuc',
        {},
        '"xuc" must be a URL path starting with "/" of letters, digits and . _ ~ / - (nginx reads it as written), e.g. "/myapp"',
      ],
      [
        'the path of a standard route',
        '/xuc',
        'cc.xuc',
        {},
        '"/xuc" is already a built-in route of the front: two routes cannot share a path; choose another path',
      ],
      ['a port the service does not have', '/k', 'cc.kibana', { port: 'admin' }, '"admin" is not a port of cc.kibana: use one of http'],
      ['a service without a port', '/r', 'cc.xivo-db-replication', {}, 'cc.xivo-db-replication listens on no port: a route cannot lead to it'],
    ] as const)('%s', (_name, path, target, options, message) => {
      const { front } = estate();
      expectValidationError(() => front.addRoute(path, target, options), 'lib-cc/nginx', `lib-cc/nginx: ${message}`);
    });

    test('a path added twice', () => {
      const { front, es } = estate();
      front.addRoute('/es', es);
      expectValidationError(
        () => front.addRoute('/es', es),
        'lib-cc/nginx',
        'lib-cc/nginx: "/es" is already the path of a route added before: two routes cannot share a path; choose another path',
      );
    });

    test('a route to a service nobody runs: refused at synth', () => {
      const { cc, front } = estate();
      front.addRoute('/spago', 'cc.spagobi');
      expectValidationError(
        () => Template.fromStack(cc),
        'lib-cc/nginx',
        'lib-cc/nginx: route /spago leads to cc.spagobi, which runs on no server of the platform: a route must lead to a running service',
      );
    });

    test('the path of a per-server standard route (an MDS built later): refused at synth', () => {
      const { cc, front, platform, es } = estate();
      libraryStack({ platform, name: 'mds1', roles: [Role.MDS], address: '10.0.0.21' });
      front.addRoute('/wssip-mds1', es);
      expectValidationError(
        () => Template.fromStack(cc),
        'lib-cc/nginx',
        'lib-cc/nginx: "/wssip-mds1" is already a built-in route of the front: two routes cannot share a path; choose another path',
      );
    });
  });
});

describe('EdgeProxy', () => {
  /** An edge server forwarding to the estate's front. */
  function edge(props: Partial<EdgeProxyProps> = {}) {
    const built = estate();
    const dmz = libraryStack({
      platform: built.platform,
      name: 'edge',
      roles: [Role.EDGE],
      address: '192.0.2.10',
      dockerHost: 'ssh://root@192.0.2.10',
    });
    const proxy = new EdgeProxy(dmz.stack, 'nginx', {
      front: built.front,
      publicName: 'rpx.lib.example.com',
      certificate: Certificate.selfSigned(['rpx.lib.example.com']),
      ...props,
    });
    return { ...built, dmz: dmz.stack, proxy };
  }

  test('takes its front: forwards to its published HTTPS port with its name, publishes only its routes with an edge zone', () => {
    const { dmz } = edge();
    const conf = confOf(Template.fromStack(dmz), 'edge-nginx');
    expect(conf).toContain('server 10.0.0.2:443;');
    expect(conf).toContain('proxy_ssl_name cc.lib.example.com;');
    expect(conf).toMatch(/location \/xuc\/api\/2\.0\/cti \{/);
    expect(conf).not.toMatch(/location \/kibana \{\n\s+limit_req/);
  });

  test('hides every name the platform knows by default: servers, containers, public names', () => {
    const { dmz, platform } = edge();
    const conf = confOf(Template.fromStack(dmz), 'edge-nginx');
    for (const name of ['10.0.0.3', 'xivocc-kibana', 'lib-reporting', 'cc.lib.example.com', 'pbx.lib.example.com']) {
      expect(platform.internalNames()).toContain(name);
      expect(conf).toContain(`sub_filter '${name}' 'rpx.lib.example.com';`);
    }
    expect(conf).not.toContain("sub_filter 'rpx.lib.example.com' 'rpx.lib.example.com';\n        sub_filter 'rpx.lib.example.com'");
  });

  test('a data store published on the edge warns at synth', () => {
    const built = estate();
    const db = new ServiceContainer(built.reporting, 'pgxivocc', { definition: findService('cc.pgxivocc')! });
    built.front.addRoute('/pg', db, { edgeZone: RateZone.DAPP });
    const dmz = libraryStack({ platform: built.platform, name: 'edge', roles: [Role.EDGE], address: '192.0.2.10' });
    new EdgeProxy(dmz.stack, 'nginx', {
      front: built.front,
      publicName: 'rpx.lib.example.com',
      certificate: Certificate.selfSigned(['rpx.lib.example.com']),
    });
    expect(Template.fromStack(dmz.stack).warnings()).toEqual([
      'lib-edge/nginx: route /pg is published on the edge and leads to cc.pgxivocc, a data store: the Internet reaches it through rpx.lib.example.com; keep it on the front only (in an environment file, remove "edge: true") unless this is intended',
    ]);
  });

  test.each([
    [{ timeoutSeconds: 0 }, 'timeoutSeconds 0 must be a whole number of seconds from 1 to 3600'],
    [{ timeoutSeconds: -5 }, 'timeoutSeconds -5 must be a whole number of seconds from 1 to 3600'],
    [{ timeoutSeconds: 1.5 }, 'timeoutSeconds 1.5 must be a whole number of seconds from 1 to 3600'],
    [{ websocketTimeoutSeconds: 30 }, 'websocketTimeoutSeconds 30 must be a whole number of seconds from 60 to 86400'],
    [{ clientMaxBodySize: '10 MB' }, 'clientMaxBodySize "10 MB" must be an nginx size such as "10m" (digits and an optional k or m)'],
  ])('refuses %j', (props, message) => {
    const error = thrownBy(() => edge(props));
    expect(error.message).toBe(`lib-edge/nginx: ${message}`);
  });
});

describe('XucService refusals', () => {
  test.each([
    [{ loginTimeoutMs: 500 }, 'loginTimeoutMs 500 must be a whole number of milliseconds from 1000 to 120000'],
    [{ loginTimeoutMs: -1 }, 'loginTimeoutMs -1 must be a whole number of milliseconds from 1000 to 120000'],
    [{ jvm: { heapMin: '4g', heapMax: '2g' } }, '4g is larger than jvm.heapMax 2g: the JVM refuses to start; lower jvm.heapMin'],
    [{ jvm: { heapMin: '3g' } }, '3g is larger than jvm.heapMax 2048m: the JVM refuses to start; lower jvm.heapMin'],
    [
      { jvm: { heapMax: '3g' } },
      '-Xmx 3g (3072 MiB) does not fit in the 3072 MiB memory limit of cc.xuc: keep jvm.heapMax below it (the JVM needs room besides the heap) or raise overrides.memoryMb',
    ],
    [
      { jvm: { heapMax: '4g' }, overrides: { memoryMb: 4096 } },
      '-Xmx 4g (4096 MiB) does not fit in the 4096 MiB memory limit of cc.xuc: keep jvm.heapMax below it (the JVM needs room besides the heap) or raise overrides.memoryMb',
    ],
  ])('%j', (props, message) => {
    const { stack } = libraryStack();
    expectValidationError(() => new XucService(stack, 'xuc', props), 'lib-cc1/xuc', `lib-cc1/xuc: ${message}`);
  });

  test('a heap that fits, and no memory limit at all (0)', () => {
    const { stack } = libraryStack();
    expect(() => new XucService(stack, 'xuc', { jvm: { heapMax: '3g' }, overrides: { memoryMb: 4096 } })).not.toThrow();
    const other = libraryStack();
    expect(() => new XucService(other.stack, 'xuc', { jvm: { heapMax: '8g' }, overrides: { memoryMb: 0 } })).not.toThrow();
  });
});
