/** The edge reverse proxy of prod (seed 003, XiVO Edge limits). */
import { resources, synthEnvironments, SynthOutput } from './support/synth';

describe('EdgeProxy (prod)', () => {
  let synth: SynthOutput;
  let conf: string;
  beforeAll(() => {
    synth = synthEnvironments(`${process.cwd()}/environments/prod.yaml`);
    const [, c] = resources(synth.json('prod-edge'), 'docker_container').find(([id]) => id.startsWith('edge_nginx_service'))!;
    conf = c.upload[0].content;
  });

  test('forwards to the CC front over HTTPS with the front\'s own name', () => {
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
    const limitOf = (p: string) => new RegExp(`location ${p.replace(/\//g, '\\/').replace(/\./g, '\\.')} \\{\\n\\s+limit_req ([^;]+);`).exec(conf)?.[1];
    expect(limitOf('/ccagent')).toBe('zone=webapp burst=20');
    expect(limitOf('/assets')).toBe('zone=webapp burst=50 nodelay');
    expect(limitOf('/xuc')).toBe('zone=apis burst=10');
    expect(limitOf('/xuc/api/2.0/cti')).toBe('zone=auth burst=12');
    expect(limitOf('/xuc/api/2.0/auth/login')).toBe('zone=auth burst=12');
    expect(limitOf('/kibana')).toBeUndefined();
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
    expect(conf).toContain('proxy_cookie_domain cc.prod.example.com rpx-cc.example.com;');
    const [, csr] = resources(synth.json('prod-edge'), 'tls_cert_request')[0];
    expect(csr.dns_names).toEqual(['rpx-cc.example.com']);
    expect(synth.json('prod-edge').data.terraform_remote_state).toHaveProperty(['cross-stack-reference-input-prod-pbx']);
  });
});
