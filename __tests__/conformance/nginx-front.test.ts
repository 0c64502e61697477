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
import { loadEnvironmentFile } from '../../config/loader';
import { internalNames } from '../../constructs/nginx/edge-proxy';
import { describeWithPrograms } from '../support/programs';
import { synthEnvironments } from '../support/synth';
import { makeLeaf, makePki, Pki } from '../support/pki-fixtures';
import {
  curl, freePort, mapToLoopback, nginxConfigs, nginxTest, startNginx, startStub, stopNginx, StubReply, upstreamServers, writeFile,
} from '../support/nginx-harness';

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

  describe('live: prod front (cc-core) and edge proxy', () => {
    const front = [...nginxConfigs(synth, 'prod-cc-core').values()][0];
    const edge = [...nginxConfigs(synth, 'prod-edge').values()][0];
    const env = loadEnvironmentFile(path.resolve('environments/prod.yaml')).environment!;
    const hidden = internalNames(env);
    const stubs = new Map<string, http.Server>();
    const running: ChildProcess[] = [];
    let ports: { http: number; https: number; edgeHttp: number; edgeHttps: number };
    let frontCa: string;

    beforeAll(async () => {
      ports = { http: await freePort(), https: await freePort(), edgeHttp: await freePort(), edgeHttps: await freePort() };
      const stubPorts = new Map<string, number>();
      for (const hostPort of upstreamServers(front)) {
        // Every stub also answers /ccagent/leak with a redirect, a cookie and a page full of internal names.
        const { server, port } = await startStub(hostPort, (req, res) => {
          if (req.url === '/ccagent/leak') {
            res.writeHead(302, {
              Location: 'https://cc.prod.example.com/ccagent/login',
              'Set-Cookie': 'session=1; Domain=cc.prod.example.com; Path=/',
              'Content-Type': 'text/html',
            });
            res.end(`<a href="https://cc-core.prod.example.com:8070/x">${req.headers.host}</a> 10.20.0.32 pbx.prod.example.com`);
            return true;
          }
          return false;
        });
        stubs.set(hostPort, server);
        stubPorts.set(hostPort, port);
      }
      const frontDir = path.join(root, 'live-front');
      fs.mkdirSync(frontDir, { recursive: true });
      const frontLeaf = makeLeaf(pki, 'live-front', { names: ['cc.prod.example.com', 'cc-core.prod.example.com'] });
      fs.writeFileSync(path.join(frontDir, 'xivoxc.crt'), fs.readFileSync(frontLeaf.cert, 'utf8') + fs.readFileSync(pki.intermediateCert, 'utf8'));
      fs.copyFileSync(frontLeaf.key, path.join(frontDir, 'xivoxc.key'));
      frontCa = pki.rootCert;
      const frontConf = mapToLoopback(front, { upstream: (hp) => `127.0.0.1:${stubPorts.get(hp)}`, httpPort: ports.http, httpsPort: ports.https, sslDir: frontDir });
      running.push(await startNginx(frontDir, writeFile(frontDir, 'nginx.conf', frontConf), ports.https));

      const edgeDir = path.join(root, 'live-edge');
      fs.mkdirSync(edgeDir, { recursive: true });
      const edgeLeaf = makeLeaf(pki, 'live-edge', { names: ['rpx-cc.example.com'] });
      fs.writeFileSync(path.join(edgeDir, 'edge.crt'), fs.readFileSync(edgeLeaf.cert, 'utf8') + fs.readFileSync(pki.intermediateCert, 'utf8'));
      fs.copyFileSync(edgeLeaf.key, path.join(edgeDir, 'edge.key'));
      // The edge verifies the front: in prod the internal CA, here the test root.
      fs.copyFileSync(pki.rootCert, path.join(edgeDir, 'upstream-ca.crt'));
      const edgeConf = mapToLoopback(edge, { upstream: () => `127.0.0.1:${ports.https}`, httpPort: ports.edgeHttp, httpsPort: ports.edgeHttps, sslDir: edgeDir });
      running.push(await startNginx(edgeDir, writeFile(edgeDir, 'nginx.conf', edgeConf), ports.edgeHttps));
    }, 30000);

    afterAll(async () => {
      for (const child of running) await stopNginx(child);
      for (const server of stubs.values()) await new Promise((r) => server.close(r));
    });

    const viaFront = (p: string, extra?: string[]) =>
      curl(`https://cc.prod.example.com:${ports.https}${p}`, { resolve: [`cc.prod.example.com:${ports.https}:127.0.0.1`], cacert: frontCa, extra });
    const viaEdge = (p: string, extra?: string[]) =>
      curl(`https://rpx-cc.example.com:${ports.edgeHttps}${p}`, { resolve: [`rpx-cc.example.com:${ports.edgeHttps}:127.0.0.1`], cacert: frontCa, extra });

    // Seed 000 path table, with prod's placement: xuc/xucmgt on cc-core (container aliases),
    // configmgt on the PBX, Kibana/recording/SpagoBI on cc-reporting (addresses + published ports).
    const SEED_TABLE: [string, string][] = [
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

    test.each(SEED_TABLE)('https://XUC_HOST%s reaches %s, path and Host kept', async (p, stub) => {
      const r = await viaFront(p);
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body) as StubReply).toEqual({ stub, path: p, host: 'cc.prod.example.com' });
      expect(r.headers).toMatch(/^strict-transport-security: max-age=31536000/im);
    });

    test('the CTI WebSocket answers 101 Switching Protocols through the front and the edge', async () => {
      const ws = ['--http1.1', '-H', 'Connection: Upgrade', '-H', 'Upgrade: websocket', '-H', 'Sec-WebSocket-Version: 13', '-H', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
      for (const r of [await viaFront('/xuc/api/2.0/cti?token=x', ws), await viaEdge('/xuc/api/2.0/cti?token=x', ws)]) {
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

    test('through the edge every seed path reaches the same service, sent with the front\'s name', async () => {
      for (const [p, stub] of SEED_TABLE) {
        const r = await viaEdge(p);
        expect(r.status).toBe(200);
        // The stub's JSON echoes the internal Host: the edge rewrites it to its own name.
        expect(JSON.parse(r.body)).toEqual({ stub: stub.replace(/^10\.20\.0\.\d+/, 'rpx-cc.example.com').replace(/^cc-core\.prod\.example\.com/, 'rpx-cc.example.com'), path: p, host: 'rpx-cc.example.com' });
      }
    });

    test('on the edge no response header or body carries an internal host name, and no server version', async () => {
      expect(hidden).toEqual(expect.arrayContaining(['cc.prod.example.com', 'cc-core.prod.example.com', '10.20.0.32', 'pbx.prod.example.com']));
      const responses = [await viaEdge('/ccagent/leak'), await viaEdge('/configmgt'), await viaEdge('/SpagoBI'), await viaEdge('/nowhere')];
      const leak = responses[0];
      expect(leak.status).toBe(302);
      expect(leak.headers).toMatch(/^location: https:\/\/rpx-cc\.example\.com\/ccagent\/login\r?$/im);
      expect(leak.headers).toMatch(/^set-cookie: session=1; Domain=rpx-cc\.example\.com; Path=\/\r?$/im);
      expect(leak.body).toContain('https://rpx-cc.example.com:8070/x');
      for (const r of responses) {
        for (const name of hidden) {
          expect(`${r.headers}\n${r.body}`).not.toContain(name);
        }
        expect(r.headers).toMatch(/^server: nginx\r?$/im);
      }
    });
  });
});
