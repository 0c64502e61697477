/** SharedToken: one sensitive variable per stack, and no other way to set PLAY_AUTH_TOKEN. */
import { Container, DockerProvider, TerraformStack, Testing } from '../constructs/terraform-cdk';
import { SharedToken } from '../constructs/shared-token';
import { EnvFileKeys } from '../constructs/env-file-keys';
import { HostFile } from '../constructs/host-file';
import { XivoPlatform } from '../constructs/xivo-platform';
import { XivoServer } from '../constructs/xivo-server';
import { Role } from '../catalogue/types';

function stackWith(build: (stack: TerraformStack) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test-stack');
  new DockerProvider(stack, 'docker', {});
  build(stack);
  return { app, stack };
}

test('one variable per stack, whatever the number of users', () => {
  const { stack } = stackWith((s) => {
    expect(SharedToken.of(s)).toBe(SharedToken.of(s));
    new Container(s, 'a', { name: 'a', image: 'x', env: [SharedToken.of(s).envEntry] });
  });
  const json = JSON.parse(Testing.synth(stack));
  expect(Object.keys(json.variable)).toEqual(['play_auth_token']);
  expect(json.variable.play_auth_token).toEqual({
    description: expect.stringContaining('TF_VAR_play_auth_token'),
    nullable: false,
    sensitive: true,
    type: 'string',
    validation: [
      {
        condition: '${length(var.play_auth_token) >= 32}',
        error_message: 'play_auth_token must be at least 32 characters long (openssl rand -hex 32).',
      },
      {
        condition: '${can(regex("^[A-Za-z0-9._~-]+$", var.play_auth_token))}',
        error_message: 'play_auth_token may only contain letters, digits and . _ ~ - (it is written into env files and URLs).',
      },
    ],
  });
  expect(json.resource.docker_container.a.env).toEqual(['PLAY_AUTH_TOKEN=${var.play_auth_token}']);
});

test('synth fails when a container gets the token another way', () => {
  const { app } = stackWith((s) => {
    SharedToken.of(s);
    new Container(s, 'rogue', { name: 'rogue', image: 'x', env: ['PLAY_AUTH_TOKEN=hardcoded-value'] });
  });
  expect(() => app.synth()).toThrow('test-stack/rogue sets PLAY_AUTH_TOKEN without SharedToken: use SharedToken.of(this).envEntry (found "har…")');
});

test('synth fails when an uploaded file carries another token', () => {
  const { app } = stackWith((s) => {
    SharedToken.of(s);
    new Container(s, 'file', { name: 'file', image: 'x', upload: [{ file: '/host/custom.env', content: 'A=1\nPLAY_AUTH_TOKEN=${var.other}\n' }] });
  });
  expect(() => app.synth()).toThrow('test-stack/file sets PLAY_AUTH_TOKEN without SharedToken: use SharedToken.of(this).envEntry (found "${v…")');
});

describe('the guard holds in every stack with one of our constructs, also without a SharedToken', () => {
  test('a literal token in an EnvFileKeys value', () => {
    const { app } = stackWith((s) => {
      new EnvFileKeys(s, 'custom', { path: '/etc/docker/mds/custom.env', values: { PLAY_AUTH_TOKEN: 'literal-token-value', XIVO_HOST: 'pbx' } });
    });
    expect(() => app.synth()).toThrow(
      'test-stack/custom/job sets PLAY_AUTH_TOKEN without SharedToken: use SharedToken.of(this).envEntry (found "lit…")',
    );
  });

  test("a raw container's env next to a host file", () => {
    const { app } = stackWith((s) => {
      new HostFile(s, 'file', { path: '/etc/x.conf', content: 'x\n' });
      new Container(s, 'raw', { name: 'raw', image: 'x', env: ['PLAY_AUTH_TOKEN=abc123'] });
    });
    expect(() => app.synth()).toThrow('test-stack/raw sets PLAY_AUTH_TOKEN without SharedToken: use SharedToken.of(this).envEntry (found "abc…")');
  });

  test('an MDS-only library stack (XivoServer) with a literal token in a raw container', () => {
    const app = Testing.app();
    const platform = new XivoPlatform(app, 'lib', { release: '2024.05', publicNames: { xivoHost: 'pbx.lib.example.com' } });
    const mds = new XivoServer(app, 'mds1', {
      platform,
      address: '10.0.0.11',
      fqdn: 'mds1.lib.example.com',
      docker: { host: 'unix:///var/run/docker.sock' },
      roles: [Role.MDS],
    });
    new Container(mds, 'rogue', { name: 'rogue', image: 'x', env: ['PLAY_AUTH_TOKEN=from-a-library-user'] });
    expect(() => app.synth()).toThrow('lib-mds1/rogue sets PLAY_AUTH_TOKEN without SharedToken: use SharedToken.of(this).envEntry (found "fro…")');
  });

  test('a stack without any of our constructs is not ours to judge', () => {
    const { app } = stackWith((s) => {
      new Container(s, 'theirs', { name: 'theirs', image: 'x', env: ['PLAY_AUTH_TOKEN=their-own'] });
    });
    expect(() => app.synth()).not.toThrow();
  });
});
