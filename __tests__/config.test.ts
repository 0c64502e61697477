/** Environment files: schema, placement and cross-field rules, one test per rule with its exact message. */
import * as path from 'path';
import { ConfigError } from '../config/errors';
import { expandEnvFiles, loadEnvironments } from '../config/loader';
import { endpoint } from '../config/endpoints';
import { RESERVED_HOST_PORTS } from '../catalogue/services';
import { Role } from '../catalogue/types';
import { releaseList } from '../catalogue/releases';
import { baseline, issuesOf, load, messagesOf, tempDir, writeEnvironment } from './support/environments';

const mutate = (change: (env: Record<string, any>) => void) => {
  const env = baseline();
  change(env);
  return env;
};

describe('a valid environment', () => {
  test('loads with services placed on their servers', () => {
    const env = load(baseline());
    expect(env.servers.map((s) => s.stackName)).toEqual(['test-pbx', 'test-cc']);
    expect(env.placement.get('cc.xuc')?.name).toBe('cc');
    expect(env.publicNames.recordingServerHost).toBe('10.0.0.20');
    expect(env.publicNames.recordingServerPort).toBe('9400');
  });

  test('configmgt belongs to XiVO: not deployed unless opted in, reached on the PBX at 9100', () => {
    const env = load(baseline());
    expect(env.placement.has('xivo.configmgt')).toBe(false);
    expect(endpoint(env, env.servers[1], 'xivo.configmgt')).toEqual({ host: '10.0.0.10', port: 9100, local: false });
    const optedIn = load(mutate((e) => (e.services = { 'xivo.configmgt': { enabled: true } })));
    expect(optedIn.placement.get('xivo.configmgt')?.name).toBe('pbx');
    expect(endpoint(optedIn, optedIn.servers[1], 'xivo.configmgt')).toEqual({ host: '10.0.0.10', port: 9100, local: false });
  });

  test('a split CC places listed services first and the rest on the server without a list', () => {
    const env = load(
      mutate((e) => {
        e.servers[1].services = ['cc.xuc', 'cc.xucmgt', 'cc.nginx', 'cc.pgxivocc'];
        e.servers.push({ name: 'reporting', address: '10.0.0.30', docker: { host: 'ssh://deploy@10.0.0.30' }, roles: ['cc'] });
      }),
    );
    expect(env.servers[1].services.map((s) => s.name)).toEqual(['pgxivocc', 'xuc', 'xucmgt', 'nginx']);
    expect(env.servers[2].services.map((s) => s.name)).toEqual([
      'xivo-db-replication',
      'xivo-full-stats',
      'pack-reporting',
      'spagobi',
      'recording-server',
      'elasticsearch',
      'kibana',
    ]);
    expect(env.publicNames.reportingHost).toBe('10.0.0.30');
  });

  test.each([
    ['Orion', '2025.05'],
    ['maia', '2024.05'],
    ['2022.10', '2022.10'],
  ])('release %s is the LTS %s (image tags use the version)', (given, version) => {
    expect(load(mutate((e) => (e.release = given))).release).toBe(version);
  });

  test('a disabled optional service is placed nowhere', () => {
    const env = load(mutate((e) => (e.services = { 'cc.kibana': { enabled: false } })));
    expect(env.placement.has('cc.kibana')).toBe(false);
  });

  test('a service another running one reads its variables from stays enabled: kibana without its index is refused', () => {
    expect(messagesOf(mutate((e) => (e.services = { 'cc.elasticsearch': { enabled: false } })))).toEqual([
      'services.cc.elasticsearch.enabled: is false, but cc.kibana runs and reads ELASTICSEARCH_HOSTS from cc.elasticsearch: enable cc.elasticsearch, or disable cc.kibana too',
    ]);
    expect(messagesOf(mutate((e) => (e.services = { 'cc.elasticsearch': { enabled: false }, 'cc.kibana': { enabled: false } })))).toEqual([]);
    // nginx routes to the recording server and SpagoBI only when they run: they may be disabled.
    expect(messagesOf(mutate((e) => (e.services = { 'cc.recording-server': { enabled: false }, 'cc.spagobi': { enabled: false } })))).toEqual([]);
  });
});

describe('errors name file, line and key, all at once', () => {
  test('position and key path of each error', () => {
    const text = [
      'name: test',
      'release: "2024.05"',
      'publicNames: { xivoHost: pbx.example.com, xucHost: cc.example.com }',
      'servers:',
      '  - name: pbx',
      '    address: 10.0.0.10',
      '    docker: { host: "tcp//10.0.0.10" }',
      '    roles: [xivo, voicemail]',
      '',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      'test.yaml:7:15: servers[0].docker.host: is not a Docker host URL: write "unix:///var/run/docker.sock", "ssh://user@host" or "ssh://user@host:2222", or "tcp://host:2376"',
      'test.yaml:8:19: servers[0].roles[1]: is not a role: use one of xivo, mds, cc, ucaddon, edge',
    ]);
  });

  test('errors of several files are thrown together', () => {
    const a = writeEnvironment(
      mutate((e) => (e.release = '24.05')),
      'a',
    );
    const b = writeEnvironment(
      mutate((e) => (e.name = 'B')),
      'b',
    );
    let error: ConfigError | undefined;
    try {
      loadEnvironments(`${a},${b}`);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.issues.map((i) => `${path.basename(i.file)}:${i.line} ${i.message}`)).toEqual([
      `a.yaml:2 is not a XiVO LTS release: write its name or version (quoted in YAML), one of ${releaseList()}`,
      `b.yaml:1 the environment name must be 2-32 characters of lowercase letters, digits and '-', starting with a letter (e.g. "cc-core")`,
    ]);
    expect(error!.message).toMatch(/^2 errors in environment files; nothing was synthesized:\n {2}- .*a\.yaml:2:1: release: /);
  });

  test('YAML syntax errors give the line', () => {
    expect(issuesOf('name: test\nservers: [\n')[0]).toMatch(/^test\.yaml:3:1: \(top level\): YAML syntax: /);
  });

  test('duplicate environment names across files', () => {
    const a = writeEnvironment(baseline(), 'one');
    const b = writeEnvironment(baseline(), 'two');
    expect(() => loadEnvironments(`${a},${b}`)).toThrow(`environment "test" is already defined in ${a}: environment names must be unique`);
  });
});

describe('schema rules', () => {
  const cases: [string, (e: Record<string, any>) => void, string][] = [
    ['unknown key', (e) => (e.servers[0].adress = 'x'), 'servers.0.adress: unknown key "adress"; did you mean "address"?'],
    ['missing key', (e) => delete e.servers[0].address, 'servers.0.address: is required (string)'],
    [
      'bad server name',
      (e) => (e.servers[0].name = 'PBX_1'),
      `servers.0.name: a server name must be 2-32 characters of lowercase letters, digits and '-', starting with a letter (e.g. "cc-core")`,
    ],
    [
      'bad fqdn',
      (e) => (e.publicNames.xucHost = '10.0.0.1'),
      'publicNames.xucHost: must be a fully qualified DNS name with at least one dot (e.g. "cc.example.com"), not an IP address',
    ],
    [
      'bad address',
      (e) => (e.servers[0].address = 'not an address'),
      'servers.0.address: must be the IPv4 address or DNS name by which other servers reach this one (e.g. "10.0.0.5")',
    ],
    ['bad backend', (e) => (e.backend = { type: 'consul' }), 'backend.type: must be one of: local, s3, pg, http'],
    ['no roles', (e) => (e.servers[0].roles = []), 'servers.0.roles: must list at least one role'],
    [
      'unknown release',
      (e) => (e.release = '2024.06'),
      'release: is not a XiVO LTS release: write its name or version (quoted in YAML), one of Five (2017.03), Polaris (2017.11), Aldebaran (2018.05), Borealis (2018.16), Callisto (2019.05), Deneb (2019.12), Electra (2020.07), Freya (2020.18), Gaia (2021.07), Helios (2021.15), Izar (2022.05), Jabbah (2022.10), Kuma (2023.05), Luna (2023.10), Maia (2024.05), Naos (2024.10), Orion (2025.05)',
    ],
    ['bad tag', (e) => (e.services = { 'cc.xuc': { tag: 'latest tag' } }), 'services.cc.xuc.tag: is not a valid Docker tag'],
    [
      'bad adopted volume name',
      (e) => (e.services = { 'cc.pgxivocc': { adoptVolumes: { data: '../pg data' } } }),
      'services.cc.pgxivocc.adoptVolumes.data: is not a Docker volume name: write the name `docker volume ls` shows on the host',
    ],
  ];
  test.each(cases)('%s', (_name, change, message) => {
    expect(messagesOf(mutate(change))).toEqual([message]);
  });
});

describe('placement rules', () => {
  const reporting = { name: 'reporting', address: '10.0.0.30', docker: { host: 'ssh://deploy@10.0.0.30' }, roles: ['cc'] };
  const cases: [string, (e: Record<string, any>) => void, string[]][] = [
    [
      'unknown service',
      (e) => (e.servers[1].services = ['cc.xcu']),
      [
        'servers.1.services.0: "cc.xcu" is not a known service; services of this server\'s roles: cc.pgxivocc, cc.xivo-db-replication, cc.xivo-full-stats, cc.pack-reporting, cc.spagobi, cc.recording-server, cc.elasticsearch, cc.kibana, cc.xuc, cc.xucmgt, cc.nginx',
      ],
    ],
    [
      'service of a role the server lacks',
      (e) => (e.servers[0].services = ['cc.xuc']),
      ['servers.0.services.0: "cc.xuc" belongs to role "cc", which this server does not carry: add "cc" to its roles or move the service'],
    ],
    [
      'service claimed twice',
      (e) => {
        e.servers[1].services = ['cc.xuc'];
        e.servers.push({ ...reporting, services: ['cc.xuc'] });
      },
      ['servers.2.services.0: "cc.xuc" is already placed on server "cc": a service of role "cc" runs on exactly one server'],
    ],
    [
      'a role on two servers without lists',
      (e) => e.servers.push(reporting),
      [
        'servers.2.roles: role "cc" is on servers "cc" and "reporting" and neither lists its services: list under "services" which cc services each server runs (e.g. services: [cc.xuc])',
      ],
    ],
  ];
  test.each(cases)('%s', (_name, change, expected) => {
    const messages = messagesOf(mutate(change));
    for (const message of expected) expect(messages).toContain(message);
  });

  test('a service placed on no server', () => {
    const messages = messagesOf(
      mutate(
        (e) =>
          (e.servers[1].services = [
            'cc.xuc',
            'cc.xucmgt',
            'cc.nginx',
            'cc.pgxivocc',
            'cc.xivo-db-replication',
            'cc.xivo-full-stats',
            'cc.spagobi',
            'cc.recording-server',
            'cc.elasticsearch',
            'cc.kibana',
          ]),
      ),
    );
    expect(messages).toEqual([
      'servers: service "cc.pack-reporting" is placed on no server: add it to the "services" of one cc server, or set services["cc.pack-reporting"].enabled: false',
    ]);
  });
});

describe('cross-field rules', () => {
  const cases: [string, (e: Record<string, any>) => void, string][] = [
    [
      'duplicate server names',
      (e) => (e.servers[1].name = 'pbx'),
      'servers.1.name: server name "pbx" is already used by servers[0]: server names must be unique (they name the stacks)',
    ],
    [
      'no PBX',
      (e) => (e.servers[0].roles = ['mds']),
      'servers: no server carries role "xivo": every environment has exactly one XiVO PBX; add "xivo" to the roles of the PBX server',
    ],
    [
      'two PBX',
      (e) => e.servers[1].roles.push('xivo'),
      'servers.1.roles: role "xivo" is already on server "pbx": an environment has exactly one XiVO PBX',
    ],
    [
      'missing XUC_HOST',
      (e) => delete e.publicNames.xucHost,
      'publicNames.xucHost: is required when a server carries role "cc": write the FQDN users open (XUC_HOST), e.g. xucHost: cc.example.com',
    ],
    [
      'missing UC-Addon host',
      (e) => e.servers[0].roles.push('ucaddon'),
      'publicNames.ucAddonHost: is required when a server carries role "ucaddon": write the FQDN users open for the UC-Addon, e.g. ucAddonHost: uc.example.com',
    ],
    [
      'UC-Addon host without UC-Addon',
      (e) => (e.publicNames.ucAddonHost = 'uc.example.com'),
      'publicNames.ucAddonHost: is set but no server carries role "ucaddon": remove it or add the role',
    ],
    [
      'sshOpts on a unix host',
      (e) => (e.servers[0].docker = { host: 'unix:///var/run/docker.sock', sshOpts: ['-v'] }),
      'servers.0.docker.sshOpts: only applies to ssh:// hosts; remove it or use an ssh:// host',
    ],
    [
      'tls on an ssh host',
      (e) => (e.servers[0].docker.tls = { caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem' }),
      'servers.0.docker.tls: only applies to tcp:// hosts; remove it or use a tcp:// host',
    ],
    [
      'tcp without tls',
      (e) => (e.servers[0].docker = { host: 'tcp://10.0.0.10:2376' }),
      'servers.0.docker.tls: is required for tcp:// hosts (an unencrypted Docker API is root on that host): give caFile, certFile and keyFile',
    ],
    [
      'unknown service override',
      (e) => (e.services = { 'cc.xcu': { memoryMb: 512 } }),
      'services.cc.xcu: "cc.xcu" is not a catalogue service: write "<role>.<service>" as listed by docs/environment.md (e.g. "cc.xuc")',
    ],
    [
      'disabling a required service',
      (e) => (e.services = { 'cc.xuc': { enabled: false } }),
      'services.cc.xuc.enabled: "cc.xuc" is required and cannot be disabled',
    ],
    [
      'unknown port name',
      (e) => (e.services = { 'cc.xuc': { ports: { https: 9443 } } }),
      'services.cc.xuc.ports.https: "cc.xuc" has no port named "https"; its ports: http',
    ],
    [
      'token in an override',
      (e) => (e.services = { 'cc.xuc': { env: { PLAY_AUTH_TOKEN: 'x' } } }),
      'services.cc.xuc.env.PLAY_AUTH_TOKEN: the token comes only from SharedToken: remove it here and set TF_VAR_play_auth_token when planning',
    ],
    [
      'adopting a volume the service does not have',
      (e) => (e.services = { 'cc.pgxivocc': { adoptVolumes: { db: 'xivocc_pgxivocc_data' } } }),
      'services.cc.pgxivocc.adoptVolumes.db: "cc.pgxivocc" has no data volume named "db"; its volumes: data',
    ],
    [
      'Debian of the host does not match the release',
      (e) => (e.servers[0].debian = 11),
      'servers.0.debian: XiVO Maia (2024.05) runs on Debian 12, not Debian 11: upgrade the host (runbook host-prerequisites.md) or write debian: 12',
    ],
    [
      'volume with hostPath and volume',
      (e) => (e.services = { 'cc.xuc': { volumes: [{ containerPath: '/x', hostPath: '/y', volume: 'z' }] } }),
      'services.cc.xuc.volumes.0: give exactly one of hostPath or volume',
    ],
    [
      'split CC on a loopback address',
      (e) => {
        e.servers[1].services = ['cc.xuc', 'cc.xucmgt', 'cc.nginx'];
        e.servers.push({ name: 'reporting', address: '127.0.0.1', docker: { host: 'ssh://deploy@10.0.0.30' }, roles: ['cc'] });
      },
      'servers.2.address: "127.0.0.1" is a loopback address, but cc.nginx on server "cc" reaches cc.recording-server on this server: write an address the other servers can route to',
    ],
    [
      'port clash on one Docker host',
      (e) => {
        e.servers[1].docker.host = e.servers[0].docker.host;
        e.services = {
          'xivo.configmgt': { enabled: true },
          'cc.nginx': { ports: { http: 8080, https: 8443 } },
          'cc.recording-server': { ports: { http: 9100 } },
        };
      },
      'services.cc.recording-server.ports: port 9100/tcp on Docker host ssh://deploy@10.0.0.10 is taken twice: by xivo.configmgt (port "http") on server "pbx" and by cc.recording-server (port "http") on server "cc"; publish one of them on another port',
    ],
    [
      'port of a host package',
      (e) => (e.servers[1].roles.unshift('xivo'), e.servers.shift()),
      'services.cc.nginx.ports: port 80/tcp on Docker host ssh://deploy@10.0.0.20 is used by XiVO web interface (nginx package): publish cc.nginx (port "http") on another host port',
    ],
    [
      'host file clash',
      (e) => {
        e.servers[1].roles.push('ucaddon');
        e.publicNames.ucAddonHost = 'uc.example.com';
        e.services = Object.fromEntries(
          ['xuc', 'xucmgt', 'nginx'].map((s, i) => [
            `ucaddon.${s}`,
            { ports: Object.fromEntries((s === 'nginx' ? ['http', 'https'] : ['http']).map((p, j) => [p, 18000 + i * 10 + j])) },
          ]),
        );
      },
      'servers.1.roles: file /etc/docker/compose/custom.env on Docker host ssh://deploy@10.0.0.20 is taken twice: by role "cc" on server "cc" and by role "ucaddon" on server "cc"; put these roles on different Docker hosts',
    ],
  ];
  test.each(cases)('%s', (_name, change, message) => {
    expect(messagesOf(mutate(change))).toContain(message);
  });

  test('tls files must exist', () => {
    const messages = messagesOf(
      mutate((e) => (e.servers[0].docker = { host: 'tcp://10.0.0.10:2376', tls: { caFile: 'missing-ca.pem', certFile: 'c.pem', keyFile: 'k.pem' } })),
    );
    expect(messages).toEqual([
      'servers.0.docker.tls.caFile: file "missing-ca.pem" does not exist (paths are relative to the environment file)',
      'servers.0.docker.tls.certFile: file "c.pem" does not exist (paths are relative to the environment file)',
      'servers.0.docker.tls.keyFile: file "k.pem" does not exist (paths are relative to the environment file)',
    ]);
  });
});

describe('ports of XiVO itself on the PBX host', () => {
  // The CC shares the PBX's Docker host; its front and SpagoBI move off 80/443/9500 and xucmgt is published on the port under test.
  const onPbxHost = (port: number) =>
    mutate((e) => {
      e.servers[1].docker.host = e.servers[0].docker.host;
      e.services = {
        'cc.nginx': { ports: { http: 8080, https: 8443 } },
        'cc.spagobi': { ports: { http: 9501 } },
        'cc.xucmgt': { ports: { http: port } },
      };
    });
  const tcp = RESERVED_HOST_PORTS.filter((r) => r.role === Role.XIVO && r.protocol === 'tcp' && r.port !== 80 && r.port !== 443);
  test.each(tcp.map((r) => [r.port, r.owner] as const))('%i/tcp is reserved (%s)', (port, owner) => {
    expect(messagesOf(onPbxHost(port))).toEqual([
      `services.cc.xucmgt.ports: port ${port}/tcp on Docker host ssh://deploy@10.0.0.10 is used by ${owner}: publish cc.xucmgt (port "http") on another host port`,
    ]);
  });

  test('the ports of the issue are all reserved: 69/udp, 123/udp, 5060, 5003, 5038, 8667, 9100, 9486-9500, RabbitMQ', () => {
    const reserved = RESERVED_HOST_PORTS.filter((r) => r.role === Role.XIVO).map((r) => `${r.port}/${r.protocol}`);
    const range = Array.from({ length: 15 }, (_, i) => `${9486 + i}/tcp`);
    expect(reserved).toEqual(
      expect.arrayContaining(['69/udp', '123/udp', '5060/udp', '5060/tcp', '5003/tcp', '5038/tcp', '8667/tcp', '9100/tcp', '5672/tcp', ...range]),
    );
  });

  test('an inferred reservation (RabbitMQ 5672) can be freed; a verified one cannot', () => {
    const spec = onPbxHost(5672);
    spec.freeHostPorts = ['5672/tcp'];
    expect(messagesOf(spec)).toEqual([]);
    spec.freeHostPorts = ['5038/tcp', '5673/tcp'];
    expect(messagesOf(spec)).toEqual([
      'services.cc.xucmgt.ports: port 5672/tcp on Docker host ssh://deploy@10.0.0.10 is used by RabbitMQ container of XiVO\'s own Docker stack (xivo-dcomp), when published: publish cc.xucmgt (port "http") on another host port',
      'freeHostPorts.0: 5038/tcp is used by Asterisk AMI (opened for xuc) (verified): it cannot be freed; publish your service on another port',
      'freeHostPorts.1: 5673/tcp is not a reserved port: remove it (reserved ports: docs/catalogue.md)',
    ]);
  });

  test('9100 is free for our configmgt once opted in', () => {
    const spec = onPbxHost(9100);
    spec.services['xivo.configmgt'] = { enabled: true };
    expect(messagesOf(spec)).toEqual([
      'services.cc.xucmgt.ports: port 9100/tcp on Docker host ssh://deploy@10.0.0.10 is taken twice: by xivo.configmgt (port "http") on server "pbx" and by cc.xucmgt (port "http") on server "cc"; publish one of them on another port',
    ]);
  });
});

describe('XIVO_ENV_FILES', () => {
  test('expands globs in the file name, sorted', () => {
    const dir = tempDir();
    writeEnvironment(baseline(), 'zz');
    writeEnvironment(baseline(), 'aa');
    const { files, issues } = expandEnvFiles(`${dir}/zz.yaml,${dir}/a?.yaml`);
    expect(issues).toEqual([]);
    expect(files).toEqual([`${dir}/aa.yaml`, `${dir}/zz.yaml`]);
  });

  test.each([
    ['environments/none-*.yaml', 'XIVO_ENV_FILES pattern matches no file'],
    ['environments/missing.yaml', 'XIVO_ENV_FILES names a file that does not exist'],
    ['env*/lab.yaml', 'XIVO_ENV_FILES: wildcards are only allowed in the file name, e.g. "environments/*.yaml"'],
  ])('%s', (pattern, message) => {
    expect(expandEnvFiles(pattern).issues.map((i) => i.message)).toEqual([message]);
  });
});
