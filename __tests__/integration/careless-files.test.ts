/**
 * Careless files, round two (issue 15): what a careful but hurried operator writes into a new
 * customer's environment file, and what synth used to accept without a word. Each is refused (or
 * warned about) at `file:line:col: key: message`, with what to write instead, exactly. The
 * neighbouring mistakes of each one are covered next to it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { formatIssue } from '../../config/errors';
import { DEFAULT_ENV_FILES, expandEnvFiles, skippedEnvFiles } from '../../config/env-files';
import { loadEnvironmentFile } from '../../config/loader';
import { baseline, issuesOf, writeEnvironment } from '../support/environments';

type Env = Record<string, any>;
const changed = (change: (e: Env) => void): Env => {
  const env = baseline();
  change(env);
  return env;
};
const refused = (change: (e: Env) => void) => issuesOf(changed(change));

/** The warnings of a valid file, formatted as synth prints them (temp directory stripped). */
function warningsOf(env: Env): string[] {
  const file = writeEnvironment(env, 'test');
  const loaded = loadEnvironmentFile(file);
  expect(loaded.issues).toEqual([]);
  return (loaded.environment!.warnings ?? []).map((w) => formatIssue(w).replace(path.dirname(file) + path.sep, ''));
}

const MDS = { name: 'mds1', address: '10.0.0.11', docker: { host: 'ssh://deploy@10.0.0.11' }, roles: ['mds'] };
const EDGE = { name: 'dmz', address: '192.0.2.10', docker: { host: 'ssh://deploy@192.0.2.10' }, roles: ['edge'] };
const LDAP = { managerDN: 'cn=reader,dc=example,dc=com', searchBase: 'dc=example,dc=com', userSearchFilter: 'uid=%s' };
const withEdge = (edge: Env) => (e: Env) => {
  e.servers.push(EDGE);
  e.edge = { publicName: 'rpx.example.com', ...edge };
};

describe('two servers, one address', () => {
  test('the same address on two Docker hosts is refused at the second', () => {
    expect(refused((e) => (e.servers[1].address = '10.0.0.10'))).toEqual([
      'test.yaml:14:5: servers[1].address: "10.0.0.10" is already the address of server "pbx" (servers[0]), which has another Docker host: two machines cannot share one (flows, nginx upstreams and xuc would reach the wrong one); write this server\'s own address',
    ]);
  });

  test('neighbour: the same fqdn, in another case', () => {
    expect(refused((e) => ((e.servers[0].fqdn = 'pbx.test.example.com'), (e.servers[1].fqdn = 'PBX.test.example.com')))).toEqual([
      'test.yaml:20:5: servers[1].fqdn: "PBX.test.example.com" is already the DNS name of server "pbx" (servers[0]), which has another Docker host: two machines cannot share one (flows, nginx upstreams and xuc would reach the wrong one); write this server\'s own name',
    ]);
  });

  test('servers on one Docker engine are one machine: one address is right there', () => {
    expect(
      refused(
        (e) => (
          (e.servers[1].address = '10.0.0.10'),
          (e.servers[1].docker.host = 'ssh://root@10.0.0.10:22'),
          (e.services = { 'cc.nginx': { ports: { http: 8080, https: 8443 } }, 'cc.spagobi': { ports: { http: 9501 } } })
        ),
      ),
    ).toEqual([]);
  });
});

describe('two servers, one Docker engine', () => {
  test("an MDS on the PBX's engine is refused", () => {
    expect(refused((e) => e.servers.push({ ...MDS, docker: { host: 'ssh://root@10.0.0.10:22' } }))).toEqual([
      'test.yaml:22:7: servers[2].docker.host: "ssh://root@10.0.0.10:22" is the Docker engine of server "pbx" (servers[0]) too, and server "mds1" has role "mds": an MDS is a machine of its own (its Asterisk and PostgreSQL replica are XiVO packages, reached at its own VoIP address), so it needs a Docker host of its own; give server "mds1" its own Docker host, or list its roles in server "pbx"',
    ]);
  });

  test("the edge on the CC's engine is refused, whichever comes first", () => {
    expect(
      refused((e) => e.servers.splice(1, 0, { ...EDGE, docker: { host: 'ssh://deploy@10.0.0.20' } }) && (e.edge = { publicName: 'rpx.example.com' })),
    ).toEqual([
      'test.yaml:22:7: servers[2].docker.host: "ssh://deploy@10.0.0.20" is the Docker engine of server "dmz" (servers[1]) too, and server "dmz" has role "edge": the edge is the DMZ host, apart from the internal servers, so it needs a Docker host of its own; give server "cc" its own Docker host, or list its roles in server "dmz"',
      // and, every error at once, the ports both nginx publish
      'test.yaml:1:1: services["cc.nginx"].ports: port 80/tcp on Docker host ssh://deploy@10.0.0.20 is taken twice: by edge.nginx (port "http") on server "dmz" and by cc.nginx (port "http") on server "cc"; publish one of them on another port',
      'test.yaml:1:1: services["cc.nginx"].ports: port 443/tcp on Docker host ssh://deploy@10.0.0.20 is taken twice: by edge.nginx (port "https") on server "dmz" and by cc.nginx (port "https") on server "cc"; publish one of them on another port',
    ]);
  });

  test("a XiVO CC server on the PBX's engine is a legitimate pair (XiVO's own ports are checked)", () => {
    expect(
      refused(
        (e) => (
          (e.servers[1].docker.host = 'ssh://deploy@10.0.0.10'),
          (e.services = { 'cc.nginx': { ports: { http: 8080, https: 8443 } }, 'cc.spagobi': { ports: { http: 9501 } } })
        ),
      ),
    ).toEqual([]);
  });

  test('two XiVO CC servers on one engine: both write /etc/docker/compose/custom.env', () => {
    expect(
      refused((e) => {
        e.servers[1].services = ['cc.xuc', 'cc.xucmgt', 'cc.nginx'];
        e.servers.push({ name: 'reporting', address: '10.0.0.20', docker: { host: 'ssh://deploy@10.0.0.20' }, roles: ['cc'] });
      }),
    ).toEqual([
      'test.yaml:27:5: servers[2].roles: file /etc/docker/compose/custom.env on Docker host ssh://deploy@10.0.0.20 is taken twice: by role "cc" on server "cc" and by role "cc" on server "reporting"; put these roles on different Docker hosts',
    ]);
  });
});

describe('an address that is neither IPv4 nor a DNS name', () => {
  test('an octet over 255 (it reached nginx.conf, and nginx refused to start)', () => {
    expect(refused((e) => (e.servers[1].address = '10.40.0.330'))).toEqual([
      'test.yaml:14:5: servers[1].address: "10.40.0.330" is not an IPv4 address: 330 is over 255 (each of the 4 numbers is 0-255); a DNS name cannot be all digits either: write the server\'s real address',
    ]);
  });

  test.each([
    [
      'a missing number',
      '10.40.0',
      '"10.40.0" is not an IPv4 address: it has 3 numbers, an IPv4 address has 4 (e.g. "10.0.0.5"); a DNS name cannot be all digits either',
    ],
    ['a leading zero', '10.040.0.1', '"10.040.0.1" has a number with a leading zero, which some programs read as octal: write "10.40.0.1"'],
    [
      'a port',
      '10.0.0.20:8443',
      '"10.0.0.20:8443" holds a port (:8443): write the name or address alone, "10.0.0.20" (ports are set where each is used)',
    ],
    ['a URL', 'ssh://10.0.0.20', '"ssh://10.0.0.20" is a URL: write the name or address alone, "10.0.0.20"'],
  ])('neighbour: %s', (_name, address, message) => {
    expect(refused((e) => (e.servers[1].address = address))).toEqual([`test.yaml:14:5: servers[1].address: ${message}`]);
  });
});

describe('a public name with a trailing dot', () => {
  test.each([
    ['xucHost', (e: Env) => (e.publicNames.xucHost = 'cc.test.example.com.'), 'test.yaml:5:3: publicNames.xucHost', 'cc.test.example.com'],
    ['xivoHost', (e: Env) => (e.publicNames.xivoHost = 'pbx.test.example.com.'), 'test.yaml:4:3: publicNames.xivoHost', 'pbx.test.example.com'],
    ['a server fqdn', (e: Env) => (e.servers[0].fqdn = 'pbx.test.example.com.'), 'test.yaml:13:5: servers[0].fqdn', 'pbx.test.example.com'],
    ['the edge', withEdge({ publicName: 'rpx.example.com.' }), 'test.yaml:26:3: edge.publicName', 'rpx.example.com'],
    [
      'an extra name',
      (e: Env) => (e.tls = { extraNames: ['cc-alt.test.example.com.'] }),
      'test.yaml:21:7: tls.extraNames[0]',
      'cc-alt.test.example.com',
    ],
  ])('%s', (_name, change, where, name) => {
    expect(refused(change)).toEqual([
      `${where}: "${name}." ends with a dot (the DNS root): browsers, certificates and nginx use the name without it; write "${name}"`,
    ]);
  });

  test('neighbour: a URL where the public name goes', () => {
    expect(refused((e) => (e.publicNames.xucHost = 'https://cc.test.example.com/ccagent'))).toEqual([
      'test.yaml:5:3: publicNames.xucHost: "https://cc.test.example.com/ccagent" is a URL: write the name or address alone, "cc.test.example.com"',
    ]);
  });
});

describe("ldaps:// and ldap:// on the other one's port", () => {
  test('ldaps:// on 389', () => {
    expect(refused((e) => (e.auth = { ldap: { url: 'ldaps://ldap.example.com:389', ...LDAP } }))).toEqual([
      'test.yaml:21:5: auth.ldap.url: "ldaps://ldap.example.com:389" asks for TLS from the first byte on port 389, where LDAP servers speak plain LDAP (or StartTLS): the connection fails; write ldaps://ldap.example.com:636, or ldap://ldap.example.com:389',
    ]);
  });

  test('ldap:// on 636', () => {
    expect(refused((e) => (e.auth = { ldap: { url: 'ldap://ldap.example.com:636', ...LDAP } }))).toEqual([
      'test.yaml:21:5: auth.ldap.url: "ldap://ldap.example.com:636" speaks plain LDAP to port 636, where LDAP servers expect TLS (LDAPS): the connection fails; write ldaps://ldap.example.com:636',
    ]);
  });
});

describe('sshOpts: a flag and its value in one item', () => {
  test('"-i ~/.ssh/key" is refused with the two items to write', () => {
    expect(refused((e) => (e.servers[0].docker.sshOpts = ['-i ~/.ssh/key']))).toEqual([
      'test.yaml:12:11: servers[0].docker.sshOpts[0]: holds the flag -i and its value in one item: ssh would get them as one argument and read the value with a leading space (" ~/.ssh/key"), a file that does not exist, and go on without the key; write two items: "-i", "~/.ssh/key"',
    ]);
  });

  test.each([
    [
      '"-o Option=value"',
      ['-o StrictHostKeyChecking=yes'],
      0,
      'holds the flag -o and its value in one item: ssh would get them as one argument and read the value with a leading space (" StrictHostKeyChecking=yes"), which is not what you wrote; write two items: "-o", "StrictHostKeyChecking=yes"',
    ],
    [
      '"-p 2222"',
      ['-p 2222'],
      0,
      'holds the flag -p and its value in one item: ssh would get them as one argument and read the value with a leading space (" 2222"), which is not what you wrote; write two items: "-p", "2222"',
    ],
    [
      'a value with a trailing space',
      ['-i', '~/.ssh/key '],
      1,
      'has spaces around it, which ssh would keep as part of the value: write "~/.ssh/key"',
    ],
    ['a flag with a leading space', [' -p', '2222'], 0, 'has spaces around it, which ssh would keep as part of the value: write "-p"'],
  ])('neighbour: %s', (_name, sshOpts, index, message) => {
    const issues = refused((e) => (e.servers[0].docker.sshOpts = sshOpts));
    expect(issues.map((i) => i.replace(/^test\.yaml:\d+:\d+: /, ''))).toEqual([`servers[0].docker.sshOpts[${index}]: ${message}`]);
    expect(issues[0]).toMatch(/^test\.yaml:1[23]:11: /);
  });

  test('written exactly as validated: the items reach the Docker provider unchanged', () => {
    const { environment } = loadEnvironmentFile(
      writeEnvironment(changed((e) => (e.servers[0].docker.sshOpts = ['-i', '~/.ssh/key', '-oConnectTimeout=10']))),
    );
    expect(environment!.servers[0].docker.sshOpts).toEqual(['-i', '~/.ssh/key', '-oConnectTimeout=10']);
  });
});

describe('SSO URLs copied from the browser', () => {
  test('a CAS server URL ending in /login', () => {
    expect(refused((e) => (e.auth = { cas: { serverUrl: 'https://cas.example.com/cas/login' } }))).toEqual([
      'test.yaml:21:5: auth.cas.serverUrl: "https://cas.example.com/cas/login" ends with the CAS endpoint /login: CAS_SERVER_URL is the CAS base URL, the applications add /login and /logout themselves; write "https://cas.example.com/cas"',
    ]);
  });

  test.each([
    [
      'CAS /logout',
      { cas: { serverUrl: 'https://cas.example.com/cas/logout' } },
      'auth.cas.serverUrl: "https://cas.example.com/cas/logout" ends with the CAS endpoint /logout: CAS_SERVER_URL is the CAS base URL, the applications add /login and /logout themselves; write "https://cas.example.com/cas"',
    ],
    [
      'CAS /p3/serviceValidate',
      { cas: { serverUrl: 'https://cas.example.com/cas/p3/serviceValidate' } },
      'auth.cas.serverUrl: "https://cas.example.com/cas/p3/serviceValidate" ends with the CAS endpoint /p3/serviceValidate: CAS_SERVER_URL is the CAS base URL, the applications add /login and /logout themselves; write "https://cas.example.com/cas"',
    ],
    [
      'the OIDC discovery document',
      { oidc: { serverUrl: 'https://id.example.com/realms/xivo/.well-known/openid-configuration', clientId: 'web' } },
      'auth.oidc.serverUrl: "https://id.example.com/realms/xivo/.well-known/openid-configuration" is the realm\'s discovery document /.well-known/openid-configuration: OIDC_SERVER_URL is the realm (issuer) URL, the applications find the rest; write "https://id.example.com/realms/xivo"',
    ],
    [
      'the OIDC login endpoint',
      { oidc: { serverUrl: 'https://id.example.com/realms/xivo/protocol/openid-connect/auth', clientId: 'web' } },
      'auth.oidc.serverUrl: "https://id.example.com/realms/xivo/protocol/openid-connect/auth" is the realm\'s endpoint /protocol/openid-connect/auth: OIDC_SERVER_URL is the realm (issuer) URL, the applications find the rest; write "https://id.example.com/realms/xivo"',
    ],
  ])('neighbour: %s', (_name, auth, message) => {
    expect(refused((e) => (e.auth = auth))).toEqual([`test.yaml:21:5: ${message}`]);
  });
});

describe('memory with a unit', () => {
  test.each([
    ['"4G"', '4G', 'is in MiB, a number without unit: "4G" is 4096 MiB; write memoryMb: 4096'],
    ['8 meaning gigabytes', 8, 'is in MiB: 8 MiB is too little for a container (at least 64); for 8 GiB write memoryMb: 8192'],
    ['"1.5GB"', '1.5GB', 'is in MiB, a number without unit: "1.5GB" is 1536 MiB; write memoryMb: 1536'],
    ['"512m"', '512m', 'is in MiB, a number without unit: "512m" is 512 MiB; write memoryMb: 512'],
    ['"4096" quoted', '4096', 'is in MiB, a number without quotes: write memoryMb: 4096'],
    ['kilobytes', 4194304, 'is in MiB: 4194304 MiB is over 1 TiB, so it was written in another unit; write the limit in MiB, e.g. 4096 for 4 GiB'],
  ])('%s', (_name, memoryMb, message) => {
    expect(refused((e) => (e.services = { 'cc.xuc': { memoryMb } }))).toEqual([`test.yaml:21:5: services["cc.xuc"].memoryMb: ${message}`]);
  });

  test('neighbour: a JVM heap with a two-letter unit', () => {
    expect(refused((e) => (e.auth = { jvm: { heapMax: '4GB' } }))).toEqual([
      'test.yaml:21:5: auth.jvm.heapMax: "4GB": the JVM reads a size as digits and one letter (k, m or g); write "4g"',
    ]);
  });
});

describe('a key or a list item written twice', () => {
  const TEXT = [
    'name: test',
    'release: "2024.05"',
    'publicNames: { xivoHost: pbx.test.example.com }',
    'servers:',
    '  - name: pbx',
    '    address: 10.0.0.10',
    '    docker: { host: "ssh://deploy@10.0.0.10" }',
    '    roles: [xivo]',
    '    address: 10.0.0.11',
    'release: Maia',
    '',
  ].join('\n');

  test('a duplicated YAML key: its key path and both lines, every one at once', () => {
    expect(issuesOf(TEXT)).toEqual([
      'test.yaml:9:5: servers[0].address: is given twice, on lines 6 and 9: YAML keeps only one of the two values, silently; remove one (or merge them)',
      'test.yaml:10:1: release: is given twice, on lines 2 and 10: YAML keeps only one of the two values, silently; remove one (or merge them)',
    ]);
  });

  test.each([
    [
      'a role',
      (e: Env) => (e.servers[1].roles = ['cc', 'cc']),
      'test.yaml:19:9: servers[1].roles[1]: "cc" is already listed (item 0): remove this one',
    ],
    [
      'an extra name, in another case',
      (e: Env) => (e.tls = { extraNames: ['alt.test.example.com', 'ALT.test.example.com'] }),
      'test.yaml:22:7: tls.extraNames[1]: "ALT.test.example.com" is already listed (item 0): remove this one',
    ],
    [
      'a KDC',
      (e: Env) =>
        (e.auth = {
          kerberos: { realm: 'EXAMPLE.COM', kdc: ['kdc.example.com', 'kdc.example.com'], adminServer: 'kdc.example.com', keytabFile: 'xuc.keytab' },
        }),
      'test.yaml:24:9: auth.kerberos.kdc[1]: "kdc.example.com" is already listed (item 0): remove this one',
    ],
  ])('neighbour: a list item written twice: %s', (_name, change, issue) => {
    expect(refused(change)).toEqual([issue]);
  });
});

describe('environment files named *.yml', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-yml-'));
  const write = (name: string, env: Env) => fs.writeFileSync(path.join(dir, 'environments', name), stringify(env));
  beforeAll(() => {
    fs.mkdirSync(path.join(dir, 'environments'));
    write(
      'a.yaml',
      changed((e) => (e.name = 'aaa')),
    );
    write(
      'b.yml',
      changed((e) => (e.name = 'bbb')),
    );
    write(
      'C.YAML',
      changed((e) => (e.name = 'ccc')),
    );
    fs.writeFileSync(path.join(dir, 'environments', 'README.md'), 'not an environment');
  });

  test('the default XIVO_ENV_FILES reads *.yaml and *.yml', () => {
    expect(expandEnvFiles(DEFAULT_ENV_FILES, dir)).toEqual({ files: ['environments/a.yaml', 'environments/b.yml'], issues: [] });
  });

  test('neighbour: a .YAML file (patterns are case-sensitive) is named as skipped, with why', () => {
    expect(skippedEnvFiles(DEFAULT_ENV_FILES, dir)).toEqual([
      {
        file: 'environments/C.YAML',
        message:
          'not read: XIVO_ENV_FILES selects environments/*.yaml, environments/*.yml here (the patterns are case-sensitive); rename it to end in .yaml, or add it to XIVO_ENV_FILES',
      },
    ]);
    expect(skippedEnvFiles('environments/*.yaml', dir).map((s) => s.file)).toEqual(['environments/C.YAML', 'environments/b.yml']);
  });

  test('synth reads b.yml and says it skipped C.YAML', () => {
    execFileSync(process.execPath, [path.resolve('scripts/build.js')]);
    const result = spawnSync(process.execPath, [path.resolve('dist/main.js')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, XIVO_ENV_FILES: '', CDKTF_OUTDIR: '' },
    });
    expect(result.status).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      'warning: environments/C.YAML: not read: XIVO_ENV_FILES selects environments/*.yaml, environments/*.yml here (the patterns are case-sensitive); rename it to end in .yaml, or add it to XIVO_ENV_FILES',
    );
    expect(fs.readdirSync(path.join(dir, 'cdktf.out', 'stacks')).sort()).toEqual([
      'aaa-cc',
      'aaa-cc-key',
      'aaa-pbx',
      'bbb-cc',
      'bbb-cc-key',
      'bbb-pbx',
    ]);
  });
});

describe('edge rate limits emptied', () => {
  test('exemptNetworks [0.0.0.0/0] warns at its line, as rateLimits: false does', () => {
    expect(warningsOf(changed(withEdge({ exemptNetworks: ['0.0.0.0/0'] })))).toEqual([
      'test.yaml:28:7: edge.exemptNetworks[0]: "0.0.0.0/0" exempts every client, as rateLimits: false would: the routes published on rpx.example.com (login, CTI and SIP WebSockets among them) have no rate limit; XiVO Edge always limits them; list only your own networks',
    ]);
    expect(warningsOf(changed(withEdge({ rateLimits: false })))).toEqual([
      'test.yaml:27:3: edge.rateLimits: is false: the routes published on rpx.example.com (login, CTI and SIP WebSockets among them) have no rate limit; XiVO Edge always limits them',
    ]);
  });

  test.each([
    [
      '::/0',
      '"::/0" exempts every client, as rateLimits: false would: the routes published on rpx.example.com (login, CTI and SIP WebSockets among them) have no rate limit; XiVO Edge always limits them; list only your own networks',
    ],
    [
      '0.0.0.0/1',
      '"0.0.0.0/1" exempts a large part of the Internet from the rate limits of rpx.example.com (login, CTI and SIP WebSockets among them); list only your own networks',
    ],
  ])('neighbour: %s warns', (network, message) => {
    expect(warningsOf(changed(withEdge({ exemptNetworks: [network] })))).toEqual([`test.yaml:28:7: edge.exemptNetworks[0]: ${message}`]);
  });

  test('neighbour: a network with host bits set is refused: the network, or one address?', () => {
    expect(refused(withEdge({ exemptNetworks: ['10.0.0.5/8', 'fd00::1/8'] }))).toEqual([
      'test.yaml:28:7: edge.exemptNetworks[0]: "10.0.0.5/8" has host bits set past /8: write the network, "10.0.0.0/8", or one address, "10.0.0.5/32"',
      'test.yaml:29:7: edge.exemptNetworks[1]: "fd00::1/8" has host bits set past /8: write the network, "fd00::/8", or one address, "fd00::1/128"',
    ]);
  });

  test('the default private networks warn about nothing', () => {
    expect(warningsOf(changed(withEdge({})))).toEqual([]);
  });
});
