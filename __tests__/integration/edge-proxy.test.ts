/**
 * The edge reverse proxy of prod (Cisco community discussion "Using a Reverse Proxy between Agent Browser and Finesse Servers";
 * XiVO documentation "XiVO Edge": limits and route table).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RATE_LIMITS, RateZone, ROUTES } from '../../catalogue/routes';
import { edgeLocations } from '../../constructs/nginx/edge-proxy';
import { loadEnvironmentFile } from '../../config/loader';
import { synthesize } from '../../main';
import { internalNamesOf } from '../support/auth-stack';
import { baseline, messagesOf, writeEnvironment } from '../support/environments';
import { resources, synthEnvironments, SynthOutput } from '../support/synth';

/** Synthesizes one environment file; returns the output directory and the warnings. */
function synthFile(file: string): { outdir: string; warnings: string[] } {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-edge-')), 'cdktf.out');
  const warnings: string[] = [];
  const saved = process.env.XIVO_ENV_FILES;
  process.env.XIVO_ENV_FILES = file;
  try {
    synthesize(outdir, { referenceOutdir: 'cdktf.out', onWarning: (w) => warnings.push(w) });
  } finally {
    if (saved === undefined) delete process.env.XIVO_ENV_FILES;
    else process.env.XIVO_ENV_FILES = saved;
  }
  return { outdir, warnings };
}

const locationsOf = (conf: string) => [...conf.matchAll(/^ {8}location (\S+) \{\n {12}(\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);

describe('EdgeProxy (prod)', () => {
  let synth: SynthOutput;
  let conf: string;
  beforeAll(() => {
    synth = synthEnvironments(`${process.cwd()}/environments/prod.yaml`);
    const [, c] = resources(synth.json('prod-edge'), 'docker_container').find(([id]) => id.startsWith('edge_nginx_service'))!;
    conf = c.upload[0].content;
  });

  test("forwards to the CC front over HTTPS with the front's own name", () => {
    expect(conf).toContain('upstream front {\n        server 10.20.0.31:443;');
    expect(conf).toContain('proxy_pass https://front;');
    expect(conf).toContain('proxy_ssl_name cc.prod.example.com;');
    expect(conf).toContain('proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /etc/nginx/ssl/upstream-ca.crt;');
    // verified with the internal CA, written next to the edge certificate
    const trust = resources(synth.json('prod-edge'), 'docker_container').find(([, c]) => c.upload?.[0]?.file === '/host/upstream-ca.crt')![1];
    expect(trust.volumes[0].host_path).toBe('/etc/docker/edge/nginx/ssl');
    expect(trust.upload[0].content).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-prod-pbx\.outputs\.\S+cert_pem\}$/);
    expect(conf).toContain('proxy_set_header Host cc.prod.example.com;');
    expect(conf).toContain('server_name rpx-cc.example.com;');
  });

  test("XiVO Edge's rate limits per route, private networks exempt", () => {
    expect(conf).toContain('limit_req_zone $rate_key zone=auth:10m rate=20r/m;');
    expect(conf).toContain('        10.0.0.0/8 0;');
    const limitOf = (p: string) =>
      new RegExp(`location ${p.replace(/\//g, '\\/').replace(/\./g, '\\.')} \\{\\n\\s+limit_req ([^;]+);`).exec(conf)?.[1];
    expect(limitOf('/ccagent')).toBe('zone=webapp burst=20');
    expect(limitOf('/assets')).toBe('zone=webapp burst=50 nodelay');
    expect(limitOf('/xuc')).toBe('zone=apis burst=10');
    // XiVO Edge: auth is "20 r/m, burst 12, nodelay"
    expect(limitOf('/xuc/api/2.0/cti')).toBe('zone=auth burst=12 nodelay');
    expect(limitOf('/xuc/api/2.0/auth/login')).toBe('zone=auth burst=12 nodelay');
    expect(limitOf('/wssip')).toBe('zone=auth burst=12 nodelay');
    expect(limitOf('/wssip-mds1')).toBe('zone=auth burst=12 nodelay');
    expect(conf).toContain('limit_req_zone $rate_key zone=dapp:10m rate=20r/m;');
    expect(conf).toContain('limit_req_zone $rate_key zone=video:10m rate=20r/s;');
    expect(RATE_LIMITS[RateZone.AUTH]).toEqual({ zone: 'auth', rate: '20r/m', burst: 12, nodelay: true });
  });

  test('request size, timeouts, security headers, no version', () => {
    expect(conf).toContain('client_max_body_size 20m;');
    expect(conf).toContain('proxy_read_timeout 60s;');
    expect(conf).toMatch(/location \/xuc\/api\/2\.0\/cti \{[^}]*proxy_read_timeout 3600s;/);
    expect(conf).toContain('add_header X-Frame-Options SAMEORIGIN always;');
    expect(conf).toContain('server_tokens off;');
  });

  test('internal names are rewritten, and the edge certificate names only the public name', () => {
    expect(conf).toContain("sub_filter 'cc-core.prod.example.com' 'rpx-cc.example.com';");
    expect(conf).toMatch(/proxy_cookie_domain ~\^\\\.\?\(\?:[^)]*cc\\\.prod\\\.example\\\.com\|[^)]*\)\\\.\?\$ rpx-cc\.example\.com;/);
    expect(conf).toMatch(/proxy_redirect ~\*\^wss\?:\/\//);
    // container aliases, Docker networks and the LDAP server are hidden too
    for (const name of ['xivocc-xucmgt', 'prod-cc-core', 'ldap.prod.example.com'])
      expect(conf).toContain(`sub_filter '${name}' 'rpx-cc.example.com';`);
    const [[, csr]] = resources(synth.json('prod-edge-key'), 'tls_cert_request');
    expect(csr.dns_names).toEqual(['rpx-cc.example.com']);
    expect(synth.json('prod-edge').data.terraform_remote_state).toHaveProperty(['cross-stack-reference-input-prod-pbx']);
  });

  test('the edge publishes only the allow-list of XiVO Edge, and answers 404 elsewhere', () => {
    expect(locationsOf(conf)).toEqual([
      '/assets limit_req',
      '/ccagent limit_req',
      '/config limit_req',
      '/configmgt return',
      '/pwa-worker.js limit_req',
      '/static/offline.html limit_req',
      '/switchboard limit_req',
      '/ucassistant limit_req',
      '/version limit_req',
      '/wssip limit_req',
      '/wssip-mds1 limit_req',
      '/wssip-mds2 limit_req',
      '/xuc limit_req',
      '/xuc/api/2.0/auth/login limit_req',
      '/xuc/api/2.0/cti limit_req',
      '/ return',
    ]);
    for (const internal of ['/kibana', '/SpagoBI', '/recording', '/ccmanager', '/fingerboard']) expect(conf).not.toContain(`location ${internal} `);
  });

  test('the edge sets X-Forwarded-For to the client address, never appends', () => {
    expect(conf).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(conf).not.toContain('$proxy_add_x_forwarded_for');
  });

  test('SIP WebSockets: the front sends /wssip to the PBX and /wssip-<mds> to each MDS, Asterisk port 5039, URI /ws', () => {
    const [, front] = resources(synth.json('prod-cc-core'), 'docker_container').find(([id]) => id.startsWith('cc_nginx_service'))!;
    const frontConf: string = front.upload[0].content;
    expect(frontConf).toMatch(/location \/wssip \{\n\s+proxy_pass http:\/\/up_10_20_0_10_5039\/ws;[^}]*proxy_set_header Upgrade \$http_upgrade;/);
    expect(frontConf).toMatch(/location \/wssip-mds1 \{\n\s+proxy_pass http:\/\/up_10_20_0_21_5039\/ws;/);
    expect(frontConf).toMatch(/location \/wssip-mds2 \{\n\s+proxy_pass http:\/\/up_10_20_0_22_5039\/ws;/);
    // the edge forwards the path unchanged to the front
    expect(conf).toMatch(/location \/wssip-mds1 \{\n[^}]*proxy_pass https:\/\/front;/);
  });

  test('route table: every internal admin or reporting path is off the edge; inferred targets are marked', () => {
    const off = ROUTES.filter((r) => !r.edgeZone).map((r) => r.path);
    expect(off).toEqual(['/', '/fingerboard', '/ccmanager', '/configmgt', '/kibana', '/recording', '/SpagoBI']);
    expect(ROUTES.filter((r) => r.target.kind === 'asterisk').map((r) => [r.path, r.confidence])).toEqual([
      ['/wssip', 'inferred'],
      ['/wssip-{server}', 'inferred'],
    ]);
  });

  test('an internal path under a published prefix is denied on the edge', () => {
    expect(
      edgeLocations([
        { path: '/config', upstream: 'u', websocket: false, zone: RateZone.ASSETS },
        { path: '/configmgt', upstream: 'u', websocket: false },
        { path: '/kibana', upstream: 'u', websocket: false },
      ]),
    ).toEqual([
      { path: '/config', upstream: 'front', websocket: false, zone: RateZone.ASSETS, upstreamPath: undefined },
      { path: '/configmgt', upstream: 'front', websocket: false, deny: true },
    ]);
  });
});

describe('extra routes on the edge (tls.routes)', () => {
  const edgeEnv = (routes: Record<string, unknown>[]): Record<string, any> => {
    const env = baseline();
    env.servers.push({ name: 'dmz', address: '192.0.2.10', docker: { host: 'ssh://deploy@192.0.2.10' }, roles: ['edge'] });
    return { ...env, tls: { routes }, edge: { publicName: 'rpx.example.com' } };
  };
  const synthOne = (content: Record<string, any>) => {
    const { outdir: out, warnings } = synthFile(writeEnvironment(content, `edge-${Math.random().toString(36).slice(2, 8)}`));
    const json = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'test-dmz', 'cdk.tf.json'), 'utf8'));
    const [, c] = resources(json, 'docker_container').find(([id]) => id.startsWith('edge_nginx_service'))!;
    return { conf: c.upload[0].content as string, warnings };
  };

  test('reaches the edge only with edge: true, always in a zone; a data store target warns', () => {
    const { conf, warnings } = synthOne(
      edgeEnv([
        { path: '/dash', service: 'cc.kibana' },
        { path: '/video/', service: 'cc.spagobi', edge: true },
        { path: '/pg', service: 'cc.pgxivocc', edge: true, zone: 'dapp' },
        { path: '/reports', service: 'cc.spagobi', edge: true },
      ]),
    );
    expect(conf).not.toContain('location /dash ');
    expect(conf).toMatch(/location \/video\/ \{\n\s+limit_req zone=video burst=12 nodelay;/);
    expect(conf).toMatch(/location \/pg \{\n\s+limit_req zone=dapp burst=15 nodelay;/);
    expect(conf).toMatch(/location \/reports \{\n\s+limit_req zone=apis burst=10;/);
    expect(warnings).toEqual([
      'test-dmz/edge/nginx: route /pg is published on the edge and leads to cc.pgxivocc, a data store: the Internet reaches it through rpx.example.com; keep it on the front only (in an environment file, remove "edge: true") unless this is intended',
    ]);
  });

  test("switching the edge's rate limits off warns", () => {
    const env = edgeEnv([]);
    env.edge.rateLimits = false;
    const { conf, warnings } = synthOne(env);
    expect(conf).not.toContain('limit_req');
    // At the file's line and key (config/rules-tls.ts), no longer at the construct.
    expect(warnings.map((w) => w.replace(/^.*\/(edge-[a-z0-9]+\.yaml)/, '$1'))).toEqual([
      expect.stringMatching(
        /^edge-[a-z0-9]+\.yaml:\d+:3: edge\.rateLimits: is false: the routes published on rpx\.example\.com \(login, CTI and SIP WebSockets among them\) have no rate limit; XiVO Edge always limits them$/,
      ),
    ]);
  });

  test('a zone without edge: true is refused', () => {
    expect(messagesOf(edgeEnv([{ path: '/dash', service: 'cc.kibana', zone: 'apis' }]))).toEqual([
      'tls.routes.0.zone: is the edge\'s rate-limit zone, and this route is not on the edge: add "edge: true" to publish it there, or remove zone',
    ]);
  });

  test('an unknown zone is refused with the list', () => {
    expect(messagesOf(edgeEnv([{ path: '/dash', service: 'cc.kibana', edge: true, zone: 'fast' }]))).toEqual([
      "tls.routes.0.zone: must be one of webapp, assets, apis, auth, dapp, video (XiVO Edge's rate-limit zones)",
    ]);
  });

  test('a path of the SIP WebSocket of an MDS is a built-in route', () => {
    const env = edgeEnv([{ path: '/wssip-media1', service: 'cc.kibana' }]);
    env.servers.push({ name: 'media1', address: '10.0.0.30', docker: { host: 'ssh://deploy@10.0.0.30' }, roles: ['mds'] });
    expect(messagesOf(env)).toEqual([
      'tls.routes.0.path: "/wssip-media1" is already a built-in route of the front: two routes cannot share a path; choose another path',
    ]);
  });

  test('the Asterisk WebSocket URI must be a path', () => {
    expect(messagesOf({ ...baseline(), tls: { sipWebSocket: { path: 'ws' } } })).toEqual([
      'tls.sipWebSocket.path: must be a URL path starting with "/" (e.g. "/ws")',
    ]);
  });
});

describe('SIP WebSockets on a loopback address', () => {
  test('the front warns once, naming the routes and what to do', () => {
    const { warnings } = synthFile(
      writeEnvironment({ ...baseline(), servers: [{ ...baseline().servers[0], address: '127.0.0.1' }, baseline().servers[1]] }, 'loopback'),
    );
    expect(warnings).toEqual([
      'test-cc/cc/nginx: /wssip leads to Asterisk at 127.0.0.1:5039, a loopback address: inside the nginx container it is the container itself; give the server its LAN address, or set tls.sipWebSocket.enabled: false',
    ]);
  });
});

describe('hidden names', () => {
  test("the auth section's LDAP server, KDCs and admin server, containers and networks are hidden (sso)", () => {
    const names = internalNamesOf(loadEnvironmentFile(path.resolve('environments/sso.yaml')).environment!);
    expect(names).toEqual(expect.arrayContaining(['ldap.sso.example.com', 'dc1.sso.example.com', 'dc2.sso.example.com', 'sso-cc', 'xivocc-xuc']));
    expect(names.filter((n) => /[:/]/.test(n))).toEqual([]);
  });
});
