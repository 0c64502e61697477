/**
 * No key leaves the file it was given in (issue 20, item 4): key material under environments/ is
 * git-ignored at any depth, and synth warns when a private key file an environment names is tracked
 * by git (read from the real index git writes).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadEnvironmentFile } from '../../config/loader';
import { trackedByGit } from '../../config/git-index';
import { baseline } from '../support/environments';

const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('.gitignore: key material under environments/ at any depth', () => {
  test.each([
    'environments/prod/front.key',
    'environments/prod/certs/front.key',
    'environments/prod/certs/deeper/edge.key',
    'environments/prod/tls/docker-client-key.pem',
    'environments/prod/certs/front.crt',
    'environments/prod/certs/front.p12',
    'environments/prod/xuc.keytab',
  ])('%s is ignored', (file) => {
    expect(spawnSync('git', ['check-ignore', '-q', '--no-index', file]).status).toBe(0);
  });

  test.each(['environments/prod.yaml', 'environments/sso/ldap-ca.pem', 'environments/provided-certs/README.md'])('%s is not ignored', (file) => {
    expect(spawnSync('git', ['check-ignore', '-q', '--no-index', file]).status).toBe(1);
  });
});

describe('a private key file tracked by git is warned about at synth', () => {
  let repo: string;
  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-tracked-key-'));
    git(repo, ['init', '-q']);
    fs.mkdirSync(path.join(repo, 'environments', 'test', 'certs'), { recursive: true });
    const certs = path.join(repo, 'environments', 'test', 'certs');
    for (const f of ['docker-ca.pem', 'docker-client.pem', 'docker-client-key.pem']) fs.writeFileSync(path.join(certs, f), 'PEM\n');
    const tls = { caFile: 'test/certs/docker-ca.pem', certFile: 'test/certs/docker-client.pem', keyFile: 'test/certs/docker-client-key.pem' };
    const servers = baseline().servers.map((s: Record<string, any>) =>
      s.name === 'cc' ? { ...s, docker: { host: 'tcp://10.0.0.20:2376', tls } } : s,
    );
    fs.writeFileSync(path.join(repo, 'environments', 'test.yaml'), stringify({ ...baseline(), servers }));
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  const warnings = () => {
    const result = loadEnvironmentFile(path.join(repo, 'environments', 'test.yaml'));
    expect(result.issues).toEqual([]);
    return (result.environment?.warnings ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  test('untracked: no warning; tracked (git add -f): the exact warning; git rm --cached: none again', () => {
    const key = path.join(repo, 'environments', 'test', 'certs', 'docker-client-key.pem');
    expect(trackedByGit(key)).toBe(false);
    expect(warnings()).toEqual([]);
    git(repo, ['add', '-f', 'environments/test/certs/docker-client-key.pem', 'environments/test/certs/docker-ca.pem', 'environments/test.yaml']);
    expect(trackedByGit(key)).toBe(true);
    expect(trackedByGit(path.join(repo, 'environments', 'test', 'certs', 'docker-client.pem'))).toBe(false);
    expect(warnings()).toEqual([
      'servers.1.docker.tls.keyFile: "test/certs/docker-client-key.pem" is a private key tracked by git: every clone of the repository holds it; remove it from the index (git rm --cached test/certs/docker-client-key.pem), keep it out of the repository (.gitignore covers key files under environments/) and replace the key',
    ]);
    git(repo, ['rm', '-q', '--cached', 'environments/test/certs/docker-client-key.pem']);
    expect(warnings()).toEqual([]);
  });
});
