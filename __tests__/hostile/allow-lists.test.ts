/**
 * The allow-lists of issue 9: what passes them. ssh options (finding 2), bind mounts
 * (finding 5), file locations (finding 10), Docker host spellings (finding 11), edge
 * networks (finding 12). What they refuse is in refused-cases.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalDockerHost } from '../../config/docker-host';
import { SECRETS_DIRS_VARIABLE } from '../../config/input-files';
import { mountProblems } from '../../config/mounts';
import type { EnvironmentFile } from '../../config/schema';
import { ALLOWED_SSH_OPTIONS, sshOptionProblems } from '../../config/ssh-options';
import { build, containerNamed, warningsOf, withAuth } from '../support/auth-stack';
import { baseline, load, messagesOf } from '../support/environments';

describe('ssh options', () => {
  test.each([
    [['-i', '~/.ssh/xivo_deploy']],
    [['-i/home/ci/.ssh/id_ed25519']],
    [['-p', '2222']],
    [['-J', 'deploy@bastion.example.com:2222']],
    [['-J', 'jump1,deploy@jump2:22']],
    [['-o', 'StrictHostKeyChecking=yes']],
    [['-o', 'StrictHostKeyChecking accept-new']],
    [['-oUserKnownHostsFile=/etc/ssh/ssh_known_hosts']],
    [['-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=30', '-o', 'ServerAliveCountMax=3']],
    [['-o', 'IdentitiesOnly=yes', '-o', 'IdentityFile=~/.ssh/deploy']],
    [['-o', 'Port=2222', '-o', 'ProxyJump=bastion.example.com']],
    [['-o', 'connecttimeout=5']],
  ])('%j is accepted', (options) => {
    expect(sshOptionProblems(options)).toEqual([]);
  });

  test('exactly nine -o options are allowed, none of which runs a command', () => {
    expect(Object.keys(ALLOWED_SSH_OPTIONS)).toEqual([
      'StrictHostKeyChecking',
      'UserKnownHostsFile',
      'ConnectTimeout',
      'ServerAliveInterval',
      'ServerAliveCountMax',
      'IdentitiesOnly',
      'IdentityFile',
      'Port',
      'ProxyJump',
    ]);
  });

  test('the allowed options reach the Docker provider unchanged', () => {
    const env = baseline();
    env.servers[0].docker.sshOpts = ['-o', 'StrictHostKeyChecking=yes', '-i', '~/.ssh/xivo_deploy', '-J', 'bastion.example.com'];
    const built = build(env);
    const json = built.json(built.stacks[0].node.findAll().find((c) => c.node.id === 'network')!);
    expect(json.provider.docker[0].ssh_opts).toEqual(['-o', 'StrictHostKeyChecking=yes', '-i', '~/.ssh/xivo_deploy', '-J', 'bastion.example.com']);
  });
});

describe('bind mounts', () => {
  const withMount = (volume: Record<string, unknown>, id = 'cc.kibana') => {
    const env = baseline();
    env.services = { [id]: { volumes: [volume] } };
    return env;
  };

  test.each([
    ['/srv/kibana/plugins', '/usr/share/kibana/plugins'],
    ['/opt/xivo/extra', '/data/extra'],
    ['/var/lib/xivo-extra', '/data/x'],
    ['/srv/etc', '/etc/extra'],
    ['/home/ops/reports', '/reports'],
  ])('%s at %s is accepted', (hostPath, containerPath) => {
    expect(messagesOf(withMount({ hostPath, containerPath }))).toEqual([]);
  });

  test('a host path mount is read-only unless readOnly: false; a named volume stays writable', () => {
    const env = baseline();
    env.services = {
      'cc.kibana': {
        volumes: [
          { hostPath: '/srv/a', containerPath: '/a' },
          { hostPath: '/srv/b', containerPath: '/b', readOnly: false },
          { volume: 'c', containerPath: '/c' },
        ],
      },
    };
    const built = build(env);
    const kibana = containerNamed(built.json(built.xuc()), 'xivocc-kibana');
    expect(kibana.volumes.map((v: Record<string, unknown>) => [v.container_path, v.read_only])).toEqual([
      ['/a', true],
      ['/b', false],
      ['/c', undefined],
    ]);
  });

  test('allowSystemPath: true accepts a system path with a warning at synth', () => {
    const env = withMount({ hostPath: '/etc/localtime', containerPath: '/etc/localtime', allowSystemPath: true });
    expect(mountProblems(env as EnvironmentFile)).toEqual([]);
    expect(load(env).overrides['cc.kibana'].volumes).toHaveLength(1);
    const built = build(env);
    const kibana = built.app.node.findAll().find((c) => c.node.path.endsWith('/cc/kibana'))!;
    expect(warningsOf(kibana)).toEqual(['bind mount of the system path /etc/localtime (allowSystemPath: true): the container can change the host']);
  });
});

describe('files named by the environment file', () => {
  test('a directory declared in XIVO_SECRETS_DIRS may hold them', () => {
    const secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-secrets-'));
    fs.copyFileSync(path.join(__dirname, '../../environments/sso/ldap-ca.pem'), path.join(secrets, 'ca.pem'));
    const env = withAuth({
      ldap: {
        url: 'ldaps://l.example.com:636',
        managerDN: 'cn=r',
        searchBase: 'dc=x',
        userSearchFilter: 'uid=%s',
        caFile: path.join(secrets, 'ca.pem'),
      },
    });
    const saved = process.env[SECRETS_DIRS_VARIABLE];
    try {
      delete process.env[SECRETS_DIRS_VARIABLE];
      expect(messagesOf(env)).toEqual([
        `auth.ldap.caFile: "${path.join(secrets, 'ca.pem')}" resolves outside the environment file's directory: move the file next to the environment file, or declare its directory in XIVO_SECRETS_DIRS when running synth`,
      ]);
      process.env[SECRETS_DIRS_VARIABLE] = `/nonexistent:${secrets}`;
      expect(messagesOf(env)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env[SECRETS_DIRS_VARIABLE];
      else process.env[SECRETS_DIRS_VARIABLE] = saved;
    }
  });

  test('a keytab or provided files that do not exist yet are fine at synth (Terraform reads them at plan time)', () => {
    expect(messagesOf(withAuth({ kerberos: { realm: 'EXAMPLE.COM', kdc: ['kdc'], adminServer: 'kdc', keytabFile: 'later/xuc.keytab' } }))).toEqual(
      [],
    );
  });
});

describe('Docker host spellings', () => {
  test.each([
    ['ssh://deploy@h.example.com', 'ssh://h.example.com:22'],
    ['ssh://root@H.Example.COM:22', 'ssh://h.example.com:22'],
    ['ssh://deploy@h.example.com:2222', 'ssh://h.example.com:2222'],
    ['tcp://H:2376', 'tcp://h:2376'],
    ['unix:///var/run/docker.sock', 'unix:///run/docker.sock'],
    ['unix:///run//docker.sock', 'unix:///run/docker.sock'],
  ])('%s is %s', (host, normal) => {
    expect(normalDockerHost(host)).toBe(normal);
  });

  test('different ssh ports stay different engines (a NAT gateway forwards each to a host)', () => {
    const env = baseline();
    env.servers[0].docker.host = 'ssh://deploy@gw.example.com:2201';
    env.servers[1].docker.host = 'ssh://deploy@gw.example.com:2202';
    env.services = { 'cc.recording-server': { ports: { http: 9100 } } };
    expect(messagesOf(env)).toEqual([]);
  });
});

describe('edge exempt networks', () => {
  test('IPv4 and IPv6 networks are accepted', () => {
    const env = baseline();
    env.servers.push({ name: 'dmz', address: '192.0.2.10', docker: { host: 'ssh://deploy@192.0.2.10' }, roles: ['edge'] });
    env.edge = { publicName: 'rpx.example.com', exemptNetworks: ['10.0.0.0/8', '192.168.1.0/24', 'fd00::/8', '2001:db8::/32'] };
    expect(messagesOf(env)).toEqual([]);
  });
});
