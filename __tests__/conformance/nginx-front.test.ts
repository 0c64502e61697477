/**
 * The nginx.conf files we deploy, fed to the real nginx: `nginx -t` for every one of every
 * bundled environment, then a live run of the prod front (cc-core, split CC) and of the prod
 * edge proxy in front of it, on loopback with stubs in place of the upstream services.
 */
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { loadEnvironmentFile } from '../../config/loader';
import { internalNamesOf } from '../support/auth-stack';
import { renderNginxConfig } from '../../constructs/nginx/nginx-config';
import { RateZone } from '../../catalogue/routes';
import { REWRITTEN_TYPES } from '../../constructs/nginx/edge-rewrite';
import { describeWithPrograms } from '../support/programs';
import { synthEnvironments } from '../support/synth';
import { makeLeaf, makePki, Pki } from '../support/pki-fixtures';
import {
  curl,
  freePorts,
  mapToLoopback,
  nginxConfigs,
  nginxTest,
  startNginx,
  startStub,
  stopNginx,
  StubReply,
  upstreamServers,
  writeFile,
} from '../support/nginx-harness';

/** Internal names in every spelling the edge must catch: case, trailing dot, port, scheme-relative, ws(s). */
const LEAK_BODY =
  'https://cc-core.prod.example.com:8070/x CC.PROD.EXAMPLE.COM. 10.20.0.32 pbx.prod.example.com xivocc-xucmgt xivocc-xuc prod-cc-core ldap.prod.example.com wss://Cc.Prod.Example.Com/xuc rpx-cc.example.com https://RPX-CC.example.com/ccagent';
/** Body types the edge rewrites (issue 9, item 4; issue 19: legacy JavaScript and JSON API types): every one it lists. */
const LEAK_TYPES = [...new Set(['text/html', 'application/x-javascript', 'application/vnd.api+json', ...REWRITTEN_TYPES])];

/** curl's arguments of a WebSocket handshake (RFC 6455's sample key): the answer is 101 when the upgrade goes through. */
const WEBSOCKET_HANDSHAKE = [
  '--http1.1',
  '-H',
  'Connection: Upgrade',
  '-H',
  'Upgrade: websocket',
  '-H',
  'Sec-WebSocket-Version: 13',
  '-H',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
];

function leakyReply(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const url = req.url ?? '';
  const redirects: Record<string, string> = {
    '/ccagent/leak': 'https://cc.prod.example.com/ccagent/login',
    '/ccagent/leak-ws': 'WSS://CC-CORE.PROD.EXAMPLE.COM.:443/xuc/api/2.0/cti',
    '/ccagent/leak-relative': '//cc.prod.example.com./ccagent/x',
    '/ccagent/leak-http-ip': 'http://10.20.0.31:8070/ccagent/y',
  };
  if (redirects[url]) {
    res.writeHead(302, { Location: redirects[url], 'Set-Cookie': 'session=1; Domain=cc.prod.example.com; Path=/', 'Content-Type': 'text/html' });
    res.end(`<a href="https://cc-core.prod.example.com:8070/x">${req.headers.host}</a> 10.20.0.32 pbx.prod.example.com`);
    return true;
  }
  if (url === '/ccagent/leak-refresh') {
    res.writeHead(200, { Refresh: '0; url=HTTPS://CC.PROD.EXAMPLE.COM:443/ccagent/z', 'Content-Type': 'text/html' });
    res.end('refresh');
    return true;
  }
  if (url === '/ccagent/leak-headers') {
    res.writeHead(200, {
      'Content-Location': 'https://CC.prod.example.com./ccagent/index.html',
      Link: '<https://cc-core.prod.example.com:8070/a.css>; rel=preload, <//xivocc-xucmgt:8070/b.js>; rel=preload',
      'Access-Control-Allow-Origin': 'https://cc.prod.example.com',
      'Content-Security-Policy': "connect-src 'self' wss://cc.prod.example.com https://10.20.0.31:443 https://pbx.prod.example.com",
      'Content-Security-Policy-Report-Only': 'default-src https://cc-reporting.prod.example.com',
      Via: '1.1 cc-core.prod.example.com (xivocc-nginx)',
      'WWW-Authenticate': 'Basic realm="cc.prod.example.com"',
      'Set-Cookie': 'sso=2; Domain=.CC.PROD.EXAMPLE.COM.; Path=/',
      'X-Powered-By': 'Play on xivocc-xuc',
      'Content-Type': 'text/plain',
    });
    res.end('headers');
    return true;
  }
  const type = /^\/ccagent\/leak-type\/(.+)$/.exec(url)?.[1];
  if (type) {
    res.writeHead(200, { 'Content-Type': `${decodeURIComponent(type)}; charset=utf-8` });
    res.end(LEAK_BODY);
    return true;
  }
  if (url === '/ccagent/leak-gzip') {
    // A front that compresses whatever the request says.
    res.writeHead(200, { 'Content-Type': 'application/javascript', 'Content-Encoding': 'gzip' });
    res.end(zlib.gzipSync(LEAK_BODY));
    return true;
  }
  if (url === '/ccagent/forwarded-for') {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(JSON.stringify({ xff: req.headers['x-forwarded-for'] }));
    return true;
  }
  return false;
}

describeWithPrograms('nginx runs the configuration we deploy', { nginx: 'nginx-light', openssl: 'openssl', curl: 'curl' }, () => {
  const synth = synthEnvironments();
  const configs = synth.stacks.flatMap((stack) => [...nginxConfigs(synth, stack)].map(([id, conf]) => ({ stack, id, conf })));
  let root: string;
  let pki: Pki;
  const serverName = (conf: string) => /server_name (\S+);/.exec(conf)![1];

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-nginx-'));
    pki = makePki(path.join(root, 'pki'));
  });

  test('every bundled environment has nginx configurations (fronts and the edge)', () => {
    expect(configs.map((c) => c.stack)).toEqual(expect.arrayContaining(['lab-allinone', 'prod-cc-core', 'prod-uc', 'prod-edge', 'corp-cc']));
  });

  test.each(configs.map((c) => [`${c.stack} ${c.id}`, c] as const))('nginx -t accepts %s', async (_, c) => {
    const dir = path.join(root, 'check', c.stack, c.id);
    fs.mkdirSync(dir, { recursive: true });
    const leaf = makeLeaf(pki, `leaf-${c.stack}-${c.id}`, { names: [serverName(c.conf)] });
    fs.copyFileSync(leaf.cert, path.join(dir, path.basename(/ssl_certificate (\S+);/.exec(c.conf)![1])));
    fs.copyFileSync(leaf.key, path.join(dir, path.basename(/ssl_certificate_key (\S+);/.exec(c.conf)![1])));
    const trusted = /proxy_ssl_trusted_certificate (\S+);/.exec(c.conf)?.[1];
    if (trusted) fs.copyFileSync(pki.rootCert, path.join(dir, path.basename(trusted)));
    let port = 20000;
    const conf = mapToLoopback(c.conf, { upstream: () => `127.0.0.1:${port++}`, httpPort: 18080, httpsPort: 18443, sslDir: dir });
    const result = await nginxTest(dir, writeFile(dir, 'nginx.conf', conf));
    expect(result.output).toContain('test is successful');
    expect(result.ok).toBe(true);
  });

  describe('live: an edge whose public name contains an internal name', () => {
    // `cc.example.com` is internal, the edge is `rpx-cc.example.com`; `10.0.0.3` is internal, `10.0.0.35` is not.
    const site = (upstreamPort: number, ports: { http: number; https: number }, dir: string) =>
      renderNginxConfig({
        serverName: 'rpx-cc.example.com',
        httpsPort: 443,
        certificateFile: `${dir}/edge.crt`,
        keyFile: `${dir}/edge.key`,
        upstreams: [{ name: 'front', host: '127.0.0.1', port: upstreamPort }],
        locations: [{ path: '/ccagent', upstream: 'front', websocket: false, zone: RateZone.WEBAPP }],
        websocketTimeoutSeconds: 60,
        edge: {
          upstreamHost: 'cc.example.com',
          hiddenNames: ['cc.example.com', '10.0.0.3'],
          rateLimits: false,
          exemptNetworks: [],
          clientMaxBodySize: '1m',
          timeoutSeconds: 5,
        },
      })
        .replace(/listen 80;/, `listen 127.0.0.1:${ports.http};`)
        .replace(/listen 443 ssl/, `listen 127.0.0.1:${ports.https} ssl`);
    let nginx: ChildProcess | undefined;
    let stub: http.Server;
    let port: number;

    beforeAll(async () => {
      const started = await startStub('front', (_req, res) => {
        res.writeHead(200, {
          'Content-Security-Policy': 'default-src https://rpx-cc.example.com https://cc.example.com https://10.0.0.35 https://sub.cc.example.com',
          'Content-Type': 'text/plain',
        });
        res.end('rpx-cc.example.com cc.example.com');
        return true;
      });
      stub = started.server;
      const [httpsPort, httpPort] = await freePorts(2);
      port = httpsPort;
      const dir = path.join(root, 'live-substring');
      fs.mkdirSync(dir, { recursive: true });
      const leaf = makeLeaf(pki, 'live-substring', { names: ['rpx-cc.example.com'] });
      fs.writeFileSync(path.join(dir, 'edge.crt'), fs.readFileSync(leaf.cert, 'utf8') + fs.readFileSync(pki.intermediateCert, 'utf8'));
      fs.copyFileSync(leaf.key, path.join(dir, 'edge.key'));
      nginx = await startNginx(dir, writeFile(dir, 'nginx.conf', site(started.port, { http: httpPort, https: port }, dir)), port);
    }, 30000);

    afterAll(async () => {
      await stopNginx(nginx);
      await new Promise((r) => stub.close(r));
    });

    test('whole names only are rewritten in headers; the public name survives in headers and bodies', async () => {
      const r = await curl(`https://rpx-cc.example.com:${port}/ccagent`, { resolve: [`rpx-cc.example.com:${port}:127.0.0.1`], cacert: pki.rootCert });
      expect(r.status).toBe(200);
      expect(r.headers).toMatch(
        /^content-security-policy: default-src https:\/\/rpx-cc\.example\.com https:\/\/rpx-cc\.example\.com https:\/\/10\.0\.0\.35 https:\/\/sub\.rpx-cc\.example\.com\r?$/im,
      );
      expect(r.body).toBe('rpx-cc.example.com rpx-cc.example.com');
    });
  });

  describe('live: prod front (cc-core) and edge proxy', () => {
    const front = [...nginxConfigs(synth, 'prod-cc-core').values()][0];
    const edge = [...nginxConfigs(synth, 'prod-edge').values()][0];
    const env = loadEnvironmentFile(path.resolve('environments/prod.yaml')).environment!;
    const hidden = internalNamesOf(env);
    const stubs = new Map<string, http.Server>();
    const running: ChildProcess[] = [];
    let ports: { http: number; https: number; edgeHttp: number; edgeHttps: number };
    let frontCa: string;

    beforeAll(async () => {
      const stubPorts = new Map<string, number>();
      for (const hostPort of upstreamServers(front)) {
        // Every stub also answers /ccagent/leak* with internal names in every place a browser sees.
        const { server, port } = await startStub(hostPort, (req, res) => leakyReply(req, res));
        stubs.set(hostPort, server);
        stubPorts.set(hostPort, port);
      }
      // After the stubs (port 0): else one of them may be handed a port chosen here for nginx.
      const [http, https, edgeHttp, edgeHttps] = await freePorts(4);
      ports = { http, https, edgeHttp, edgeHttps };
      const frontDir = path.join(root, 'live-front');
      fs.mkdirSync(frontDir, { recursive: true });
      const frontLeaf = makeLeaf(pki, 'live-front', { names: ['cc.prod.example.com', 'cc-core.prod.example.com'] });
      fs.writeFileSync(path.join(frontDir, 'xivoxc.crt'), fs.readFileSync(frontLeaf.cert, 'utf8') + fs.readFileSync(pki.intermediateCert, 'utf8'));
      fs.copyFileSync(frontLeaf.key, path.join(frontDir, 'xivoxc.key'));
      frontCa = pki.rootCert;
      const frontConf = mapToLoopback(front, {
        upstream: (hp) => `127.0.0.1:${stubPorts.get(hp)}`,
        httpPort: ports.http,
        httpsPort: ports.https,
        sslDir: frontDir,
      });
      running.push(await startNginx(frontDir, writeFile(frontDir, 'nginx.conf', frontConf), ports.https));

      const edgeDir = path.join(root, 'live-edge');
      fs.mkdirSync(edgeDir, { recursive: true });
      const edgeLeaf = makeLeaf(pki, 'live-edge', { names: ['rpx-cc.example.com'] });
      fs.writeFileSync(path.join(edgeDir, 'edge.crt'), fs.readFileSync(edgeLeaf.cert, 'utf8') + fs.readFileSync(pki.intermediateCert, 'utf8'));
      fs.copyFileSync(edgeLeaf.key, path.join(edgeDir, 'edge.key'));
      // The edge verifies the front: in prod the internal CA, here the test root.
      fs.copyFileSync(pki.rootCert, path.join(edgeDir, 'upstream-ca.crt'));
      const edgeConf = mapToLoopback(edge, {
        upstream: () => `127.0.0.1:${ports.https}`,
        httpPort: ports.edgeHttp,
        httpsPort: ports.edgeHttps,
        sslDir: edgeDir,
      });
      running.push(await startNginx(edgeDir, writeFile(edgeDir, 'nginx.conf', edgeConf), ports.edgeHttps));
    }, 30000);

    afterAll(async () => {
      for (const child of running) await stopNginx(child);
      for (const server of stubs.values()) await new Promise((r) => server.close(r));
    });

    const viaFront = (p: string, extra?: string[]) =>
      curl(`https://cc.prod.example.com:${ports.https}${p}`, { resolve: [`cc.prod.example.com:${ports.https}:127.0.0.1`], cacert: frontCa, extra });
    const viaEdge = (p: string, extra?: string[]) =>
      curl(`https://rpx-cc.example.com:${ports.edgeHttps}${p}`, {
        resolve: [`rpx-cc.example.com:${ports.edgeHttps}:127.0.0.1`],
        cacert: frontCa,
        extra,
      });

    // The path table of XiVO CC "System Configuration", with prod's placement: xuc/xucmgt on cc-core (container aliases),
    // configmgt on the PBX, Kibana/recording/SpagoBI on cc-reporting (addresses + published ports).
    const DOCUMENTED_PATHS: [string, string][] = [
      ['/fingerboard', 'xivocc-xucmgt:8070'],
      ['/', 'xivocc-xucmgt:8070'],
      ['/ccagent', 'xivocc-xucmgt:8070'],
      ['/ccmanager', 'xivocc-xucmgt:8070'],
      ['/configmgt', '10.20.0.10:9100'],
      ['/kibana', '10.20.0.32:5601'],
      ['/recording', '10.20.0.32:9400'],
      ['/SpagoBI', '10.20.0.32:9500'],
      ['/xuc/api/2.0/agents', 'xivocc-xuc:8090'],
    ];

    test.each(DOCUMENTED_PATHS)('https://XUC_HOST%s reaches %s, path and Host kept', async (p, stub) => {
      const r = await viaFront(p);
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body) as StubReply).toEqual({ stub, path: p, host: 'cc.prod.example.com' });
      expect(r.headers).toMatch(/^strict-transport-security: max-age=31536000/im);
    });

    test('the CTI WebSocket answers 101 Switching Protocols through the front and the edge', async () => {
      for (const r of [
        await viaFront('/xuc/api/2.0/cti?token=x', WEBSOCKET_HANDSHAKE),
        await viaEdge('/xuc/api/2.0/cti?token=x', WEBSOCKET_HANDSHAKE),
      ]) {
        expect(r.headers).toMatch(/^HTTP\/1\.1 101 Switching Protocols/);
        expect(r.headers).toMatch(/^x-stub: xivocc-xuc:8090/im);
      }
    });

    test('plain HTTP redirects to HTTPS on the public name', async () => {
      const front = await curl(`http://127.0.0.1:${ports.http}/ccagent?x=1`, { resolve: [] });
      expect(front.status).toBe(301);
      expect(front.headers).toMatch(/^location: https:\/\/cc\.prod\.example\.com\/ccagent\?x=1\r?$/im);
      const edge = await curl(`http://127.0.0.1:${ports.edgeHttp}/ccagent`, { resolve: [] });
      expect(edge.status).toBe(301);
      expect(edge.headers).toMatch(/^location: https:\/\/rpx-cc\.example\.com\/ccagent\r?$/im);
    });

    // XiVO Edge's allow-list: the applications, their assets, the xuc API, login, CTI and SIP WebSockets.
    const EDGE_PUBLISHED: [string, string][] = [
      ['/ccagent', 'xivocc-xucmgt:8070'],
      ['/ucassistant', 'xivocc-xucmgt:8070'],
      ['/switchboard', 'xivocc-xucmgt:8070'],
      ['/assets/app.js', 'xivocc-xucmgt:8070'],
      ['/config', 'xivocc-xucmgt:8070'],
      ['/pwa-worker.js', 'xivocc-xucmgt:8070'],
      ['/static/offline.html', 'xivocc-xucmgt:8070'],
      ['/xuc/api/2.0/agents', 'xivocc-xuc:8090'],
      ['/version', 'xivocc-xuc:8090'],
    ];

    test("through the edge the published paths reach their service, sent with the front's name", async () => {
      for (const [p, stub] of EDGE_PUBLISHED) {
        const r = await viaEdge(p);
        expect(r.status).toBe(200);
        // The stub's JSON echoes the internal Host and its own name: the edge rewrites both.
        expect(JSON.parse(r.body)).toEqual({ stub: 'rpx-cc.example.com:' + stub.split(':')[1], path: p, host: 'rpx-cc.example.com' });
      }
    });

    test.each(['/', '/fingerboard', '/ccmanager', '/configmgt', '/kibana', '/recording', '/SpagoBI', '/nowhere', '/xivo'])(
      'the edge does not publish %s (internal front only): 404 without reaching the front',
      async (p) => {
        const r = await viaEdge(p);
        expect(r.status).toBe(404);
        expect(r.body).not.toContain('"stub"');
        // while the internal front still serves it
        expect((await viaFront(p)).status).toBe(200);
      },
    );

    test.each([
      ['/wssip', '10.20.0.10:5039'],
      ['/wssip-mds1', '10.20.0.21:5039'],
      ['/wssip-mds2', '10.20.0.22:5039'],
    ])('SIP WebSocket %s reaches the Asterisk of %s at /ws, through the front and the edge', async (p, stub) => {
      for (const r of [await viaFront(`${p}?token=x`, WEBSOCKET_HANDSHAKE), await viaEdge(`${p}?token=x`, WEBSOCKET_HANDSHAKE)]) {
        expect(r.headers).toMatch(/^HTTP\/1\.1 101 Switching Protocols/);
        expect(r.headers).toMatch(new RegExp(`^x-stub: ${stub.replace(/\./g, '\\.')}\r?$`, 'im'));
        expect(r.headers).toMatch(/^x-stub-path: \/ws\?token=x\r?$/im);
      }
    });

    test('the edge replaces a client-supplied X-Forwarded-For with the client address', async () => {
      const r = await viaEdge('/ccagent/forwarded-for', ['-H', 'X-Forwarded-For: 203.0.113.66']);
      expect(r.status).toBe(200);
      const { xff } = JSON.parse(r.body) as { xff: string };
      expect(xff).not.toContain('203.0.113.66');
      // the edge sets the client (loopback here), the front appends the edge
      expect(xff).toBe('127.0.0.1, 127.0.0.1');
    });

    const leaks = (r: { headers: string; body: string }) =>
      hidden.filter((name) => `${r.headers}\n${r.body}`.toLowerCase().includes(name.toLowerCase()));

    test('the hidden list holds container aliases, Docker networks and the LDAP host', () => {
      expect(hidden).toEqual(
        expect.arrayContaining([
          'cc.prod.example.com',
          'cc-core.prod.example.com',
          '10.20.0.32',
          'pbx.prod.example.com',
          'xivocc-xuc',
          'xivocc-xucmgt',
          'prod-cc-core',
          'ldap.prod.example.com',
        ]),
      );
    });

    test.each([
      ['/ccagent/leak', 'https://rpx-cc.example.com/ccagent/login'],
      ['/ccagent/leak-ws', 'wss://rpx-cc.example.com/xuc/api/2.0/cti'],
      ['/ccagent/leak-relative', 'https://rpx-cc.example.com/ccagent/x'],
      ['/ccagent/leak-http-ip', 'https://rpx-cc.example.com/ccagent/y'],
    ])('redirect %s becomes %s, its cookie domain and body too', async (p, location) => {
      const r = await viaEdge(p);
      expect(r.status).toBe(302);
      expect(r.headers).toMatch(new RegExp(`^location: ${location.replace(/[./]/g, '\\$&')}\r?$`, 'im'));
      expect(r.headers).toMatch(/^set-cookie: session=1; Domain=rpx-cc\.example\.com; Path=\/\r?$/im);
      expect(leaks(r)).toEqual([]);
    });

    test('Content-Location, Link, CORS, CSP, WWW-Authenticate and cookies are rewritten; Via and X-Powered-By dropped', async () => {
      const r = await viaEdge('/ccagent/leak-headers');
      expect(r.status).toBe(200);
      expect(r.headers).toMatch(/^content-location: https:\/\/rpx-cc\.example\.com\/ccagent\/index\.html\r?$/im);
      expect(r.headers).toMatch(
        /^link: <https:\/\/rpx-cc\.example\.com:8070\/a\.css>; rel=preload, <\/\/rpx-cc\.example\.com:8070\/b\.js>; rel=preload\r?$/im,
      );
      expect(r.headers).toMatch(/^access-control-allow-origin: https:\/\/rpx-cc\.example\.com\r?$/im);
      expect(r.headers).toMatch(
        /^content-security-policy: connect-src 'self' wss:\/\/rpx-cc\.example\.com https:\/\/rpx-cc\.example\.com:443 https:\/\/rpx-cc\.example\.com\r?$/im,
      );
      expect(r.headers).toMatch(/^content-security-policy-report-only: default-src https:\/\/rpx-cc\.example\.com\r?$/im);
      expect(r.headers).toMatch(/^www-authenticate: Basic realm="rpx-cc\.example\.com"\r?$/im);
      expect(r.headers).toMatch(/^set-cookie: sso=2; Domain=rpx-cc\.example\.com; Path=\/\r?$/im);
      expect(r.headers).not.toMatch(/^via:/im);
      expect(r.headers).not.toMatch(/^x-powered-by:/im);
      expect(leaks(r)).toEqual([]);
    });

    test('a Refresh header is rewritten like a redirect', async () => {
      const r = await viaEdge('/ccagent/leak-refresh');
      expect(r.headers).toMatch(/^refresh: 0; url=https:\/\/rpx-cc\.example\.com\/ccagent\/z\r?$/im);
      expect(leaks(r)).toEqual([]);
    });

    test('a body is rewritten name by name: the longest name first, the public name untouched', async () => {
      const r = await viaEdge(`/ccagent/leak-type/${encodeURIComponent('text/plain')}`);
      const edgeName = 'rpx-cc.example.com';
      expect(r.body).toBe(
        `https://${edgeName}:8070/x ${edgeName}. ${edgeName} ${edgeName} ${edgeName} ${edgeName} ${edgeName} ${edgeName} wss://${edgeName}/xuc ${edgeName} https://${edgeName}/ccagent`,
      );
    });

    test.each(LEAK_TYPES)('a %s body is rewritten, whatever the case of the names', async (type) => {
      const r = await viaEdge(`/ccagent/leak-type/${encodeURIComponent(type)}`);
      expect(r.status).toBe(200);
      expect(r.body).toContain('https://rpx-cc.example.com:8070/x');
      expect(leaks(r)).toEqual([]);
    });

    test('a body the front gzips anyway is decompressed and rewritten, also for a client accepting gzip', async () => {
      for (const extra of [[], ['-H', 'Accept-Encoding: gzip']]) {
        const r = await viaEdge('/ccagent/leak-gzip', extra);
        expect(r.status).toBe(200);
        expect(r.headers).not.toMatch(/^content-encoding:/im);
        expect(r.body).toContain('wss://rpx-cc.example.com/xuc');
        expect(leaks(r)).toEqual([]);
      }
    });

    test('no error page or published route names an internal host, and no server version', async () => {
      const responses = [await viaEdge('/configmgt'), await viaEdge('/SpagoBI'), await viaEdge('/nowhere'), await viaEdge('/ccagent')];
      for (const r of responses) {
        expect(leaks(r)).toEqual([]);
        expect(r.headers).toMatch(/^server: nginx\r?$/im);
      }
    });

    // Last: it empties the auth zone's burst.
    test('the auth zone answers 429 at once past its burst (nodelay), never queues', async () => {
      const started = Date.now();
      const statuses = await Promise.all(Array.from({ length: 16 }, () => viaEdge('/xuc/api/2.0/auth/login').then((r) => r.status)));
      expect(statuses).toContain(200);
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      // Without nodelay the burst is served at 20 r/m, one every 3 s.
      expect(Date.now() - started).toBeLessThan(2500);
    });
  });
});
