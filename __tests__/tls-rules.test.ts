/** Every rule of the `tls` and `edge` sections, with its exact message. */
import * as fs from 'fs';
import * as path from 'path';
import { baseline, messagesOf, writeEnvironment } from './support/environments';

const withTls = (tls: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, any> => ({ ...baseline(), tls, ...more });
const edgeServer = { name: 'dmz', address: '192.0.2.10', docker: { host: 'ssh://deploy@192.0.2.10' }, roles: ['edge'] };

describe('tls and edge rules', () => {
  test('the baseline without tls/edge sections is valid (internal CA by default)', () => {
    expect(messagesOf(baseline())).toEqual([]);
  });

  test('mode provided needs tls.provided', () => {
    expect(messagesOf(withTls({ mode: 'provided' }))).toEqual([
      'tls.provided: is required when tls.mode is "provided": give certFile, keyFile and chainFiles (intermediates and root), relative to the environment file',
    ]);
  });

  test('provided files outside mode provided are refused', () => {
    expect(messagesOf(withTls({ mode: 'self-signed', provided: { certFile: 'a.crt', keyFile: 'a.key' } }))).toEqual([
      'tls.provided: only applies when tls.mode is "provided" (mode is "self-signed"): remove it or set tls.mode: provided',
    ]);
  });

  test('mode provided with an edge needs the edge certificate', () => {
    const env = withTls({ mode: 'provided', provided: { certFile: 'a.crt', keyFile: 'a.key' } }, { edge: { publicName: 'rpx.example.com' } });
    env.servers.push(edgeServer);
    expect(messagesOf(env)).toEqual([
      'edge.provided: is required when tls.mode is "provided": give the edge certificate for edge.publicName (certFile, keyFile, chainFiles)',
    ]);
  });

  test('RSA keys under 2048 bits are refused', () => {
    expect(messagesOf(withTls({ key: { algorithm: 'RSA', rsaBits: 1024 } }))).toEqual([
      'tls.key.rsaBits: must be 2048, 3072 or 4096: RSA keys under 2048 bits are refused (certificate guidance for contact centres)',
    ]);
  });

  test('ECDSA curves other than P-256/P-384 are refused', () => {
    expect(messagesOf(withTls({ key: { algorithm: 'ECDSA', ecdsaCurve: 'P224' } }))).toEqual(['tls.key.ecdsaCurve: must be "P256" or "P384"']);
  });

  test('early renewal must come before expiry', () => {
    expect(messagesOf(withTls({ validityDays: 30, earlyRenewalDays: 30 }))).toEqual([
      'tls.earlyRenewalDays: (30) must be less than tls.validityDays (30), or every deploy re-issues the certificates; 30 is a sane value',
    ]);
  });

  test('an edge server needs the edge section', () => {
    const env = baseline();
    env.servers.push(edgeServer);
    expect(messagesOf(env)).toEqual([
      'edge: is required when a server carries role "edge" (server "dmz"): give at least edge.publicName, the name users open from outside',
    ]);
  });

  test('the edge section needs an edge server', () => {
    expect(messagesOf({ ...baseline(), edge: { publicName: 'rpx.example.com' } })).toEqual([
      'edge: applies only when a server carries role "edge": add "edge" to the roles of the DMZ server, or remove this section',
    ]);
  });

  test("the edge's public name cannot be an internal name", () => {
    const env: Record<string, any> = { ...baseline(), edge: { publicName: 'cc.test.example.com' } };
    env.servers.push(edgeServer);
    expect(messagesOf(env)).toEqual([
      'edge.publicName: "cc.test.example.com" is an internal name (a public name or a server): the edge\'s public name must differ so that internal names stay hidden (reverse-proxy guidance for agent browsers), e.g. "rpx-cc.example.com"',
    ]);
  });

  test('the edge needs a front to forward to', () => {
    const env: Record<string, any> = { ...baseline(), edge: { publicName: 'rpx.example.com' } };
    env.servers = [env.servers[0], edgeServer];
    delete env.publicNames.xucHost;
    expect(messagesOf(env)).toEqual([
      'servers.1.roles: role "edge" needs a front to forward to: deploy cc.nginx (role cc) or ucaddon.nginx (role ucaddon)',
    ]);
  });

  test('two routes on one path are refused (built-in or extra)', () => {
    expect(
      messagesOf(
        withTls({
          routes: [
            { path: '/kibana', service: 'cc.kibana' },
            { path: '/dash', service: 'cc.kibana' },
            { path: '/dash', service: 'cc.spagobi' },
          ],
        }),
      ),
    ).toEqual([
      'tls.routes.0.path: "/kibana" is already a built-in route of the front: two routes cannot share a path; choose another path',
      'tls.routes.2.path: "/dash" is already the path of tls.routes[1]: two routes cannot share a path; choose another path',
    ]);
  });

  test('a route to a missing service is refused', () => {
    const env = withTls(
      {
        routes: [
          { path: '/reports', service: 'cc.spagobi' },
          { path: '/nope', service: 'cc.nothing' },
        ],
      },
      { services: { 'cc.spagobi': { enabled: false } } },
    );
    expect(messagesOf(env)).toEqual([
      'tls.routes.0.service: "cc.spagobi" is not deployed in this environment (disabled or no server has its role): a route must lead to a running service; enable it or remove the route',
      'tls.routes.1.service: "cc.nothing" is not a catalogue service: write "<role>.<service>" as listed by docs/catalogue.md (e.g. "cc.kibana")',
    ]);
  });

  test('a route to an unknown port, or to a service without ports, is refused', () => {
    expect(
      messagesOf(
        withTls({
          routes: [
            { path: '/k', service: 'cc.kibana', port: 'admin' },
            { path: '/s', service: 'cc.xivo-full-stats' },
          ],
        }),
      ),
    ).toEqual([
      'tls.routes.0.port: "admin" is not a port of cc.kibana: use one of http',
      'tls.routes.1.service: cc.xivo-full-stats listens on no port: a route cannot lead to it',
    ]);
  });

  test('provided files that are absent are left to Terraform at plan time (bundled example works on a fresh clone)', () => {
    expect(
      messagesOf(withTls({ mode: 'provided', provided: { certFile: 'absent.crt', keyFile: 'absent.key', chainFiles: ['absent-ca.crt'] } })),
    ).toEqual([]);
  });

  describe('no key leaves the file it was given in: a certificate or chain file holding a PRIVATE KEY is refused, as auth.ldap.caFile is', () => {
    const KEY_MESSAGE = 'holds a PRIVATE KEY: give only the public CA or full-chain certificates, and never commit a key';
    const CERT = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const PASTED_KEY = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    /** Writes the files next to the environment file. */
    const files = (contents: Record<string, string>) => {
      const dir = path.dirname(writeEnvironment(baseline()));
      for (const [name, text] of Object.entries(contents)) fs.writeFileSync(path.join(dir, name), text);
    };
    const provided = (chainFiles: string[], certFile = 'front.crt') => ({ certFile, keyFile: 'front.key', chainFiles });

    test('tls.provided.chainFiles: an intermediate CA with its key pasted in', () => {
      files({ 'front.crt': CERT, 'front.key': PASTED_KEY, 'root.crt': CERT, 'intermediate-with-key.crt': CERT + PASTED_KEY });
      expect(messagesOf(withTls({ mode: 'provided', provided: provided(['root.crt', 'intermediate-with-key.crt']) }))).toEqual([
        `tls.provided.chainFiles.1: ${KEY_MESSAGE}`,
      ]);
    });

    test('tls.provided.certFile: the certificate and its key in one file', () => {
      files({ 'front-and-key.pem': CERT + PASTED_KEY, 'front.key': PASTED_KEY, 'root.crt': CERT });
      expect(messagesOf(withTls({ mode: 'provided', provided: provided(['root.crt'], 'front-and-key.pem') }))).toEqual([
        `tls.provided.certFile: ${KEY_MESSAGE}`,
      ]);
    });

    test('tls.cti.provided and edge.provided chain files', () => {
      files({ 'front.crt': CERT, 'front.key': PASTED_KEY, 'root.crt': CERT, 'keyed.crt': PASTED_KEY });
      const env = withTls(
        { mode: 'provided', provided: provided(['root.crt']), cti: { provided: provided(['keyed.crt']) } },
        { servers: [...baseline().servers, edgeServer], edge: { publicName: 'rpx.example.com', provided: provided(['keyed.crt']) } },
      );
      expect(messagesOf(env).filter((m) => m.includes('PRIVATE KEY'))).toEqual([
        `tls.cti.provided.chainFiles.0: ${KEY_MESSAGE}`,
        `edge.provided.chainFiles.0: ${KEY_MESSAGE}`,
      ]);
    });
  });
});
