/** EnvFileKeys: the keys we manage in a custom.env, updated by a one-shot job, never the whole file. */
import { DockerProvider, TerraformStack, TerraformVariable, Testing } from '../constructs/terraform-cdk';
import { EnvFileKeys, EnvFileKeysProps } from '../constructs/env-file-keys';
import { ENV_FILE_KEYS_SCRIPT } from '../constructs/env-file-keys-script';
import { strings } from './support/synth';
import { expectValidationError } from './support/thrown';

function synth(props: EnvFileKeysProps[], withSecret = false) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  new DockerProvider(stack, 'docker', {});
  const secret = withSecret ? new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true }).stringValue : undefined;
  props.forEach((p, i) => new EnvFileKeys(stack, `env${i}`, secret ? { ...p, values: { ...p.values, SECRET: secret } } : p));
  return JSON.parse(Testing.synth(stack));
}

test('a one-shot busybox job with the directory bind-mounted, the values and the script uploaded', () => {
  const json = synth(
    [{ path: '/etc/docker/xivo/custom.env', values: { XIVO_HOST: 'pbx.example.com', A_FIRST: '1' }, labels: { 'org.xivo.role': 'xivo' } }],
    true,
  );
  expect(json).toMatchSnapshot();
  const [job] = Object.values<any>(json.resource.docker_container);
  expect(job).toMatchObject({
    name: 'xivo-env-etc-docker-xivo-custom.env',
    entrypoint: ['/bin/sh', '/xivo-cdktf/update-env-file.sh', '/host/custom.env', '/xivo-cdktf/managed.env'],
    attach: true,
    must_run: false,
    restart: 'no',
    network_mode: 'none',
    capabilities: { drop: ['ALL'] },
    security_opts: ['no-new-privileges'],
    volumes: [{ host_path: '/etc/docker/xivo', container_path: '/host' }],
    lifecycle: { postcondition: [expect.objectContaining({ condition: '${self.exit_code == 0}' })] },
  });
  expect(job.start).toBeUndefined(); // started (the provider's default)
  // Sorted KEY=VALUE lines; the secret only as a variable reference inside the uploaded file.
  expect(job.upload).toEqual([
    { file: '/xivo-cdktf/managed.env', content: 'A_FIRST=1\nSECRET=${var.secret}\nXIVO_HOST=pbx.example.com\n', permissions: '0600' },
    { file: '/xivo-cdktf/update-env-file.sh', content: ENV_FILE_KEYS_SCRIPT, permissions: '0755' },
  ]);
  expect(strings([job.entrypoint, job.labels, job.env ?? []]).some((s) => s.includes('var.secret'))).toBe(false);
  expect(Object.fromEntries(job.labels.map((l: { label: string; value: string }) => [l.label, l.value]))).toEqual({
    'org.xivo.host-file': '/etc/docker/xivo/custom.env',
    'org.xivo.job': 'env-file-keys',
    'org.xivo.role': 'xivo',
  });
});

test('the script is a plain Terraform string: no interpolation nor directive', () => {
  expect(ENV_FILE_KEYS_SCRIPT).not.toMatch(/\$\{|%\{/);
});

test('the same values give the same job: nothing to rerun', () => {
  const props = { path: '/etc/docker/mds/custom.env', values: { B: '2', A: '1' } };
  expect(synth([props])).toEqual(synth([{ ...props, values: { A: '1', B: '2' } }]));
});

test.each<[string, EnvFileKeysProps, string]>([
  [
    'relative path',
    { path: 'etc/custom.env', values: { A: '1' } },
    'stack/env0: path "etc/custom.env" must be an absolute file path on the Docker host',
  ],
  [
    'directory path',
    { path: '/etc/docker/', values: { A: '1' } },
    'stack/env0: path "/etc/docker/" must be an absolute file path on the Docker host',
  ],
  [
    'factory.env',
    { path: '/etc/docker/xivo/factory.env', values: { A: '1' } },
    "stack/env0: /etc/docker/xivo/factory.env holds XiVO's factory defaults and must never be edited: manage keys in custom.env next to it",
  ],
  ['no key', { path: '/etc/x.env', values: {} }, 'stack/env0: give at least one key to manage'],
  [
    'bad key',
    { path: '/etc/x.env', values: { 'A-B': '1' } },
    `stack/env0: "A-B" is not an env file key (letters, digits, '_' and '.', not starting with a digit)`,
  ],
  [
    'line break in a value',
    { path: '/etc/x.env', values: { A: '1\nB=2' } },
    'stack/env0: the value of A contains a line break: an env file holds one KEY=VALUE per line',
  ],
])('rejects a %s', (_name, props, message) => {
  expectValidationError(() => synth([props]), 'stack/env0', message);
});

test('the backup is created 0600 before the secrets are copied into it (never cp -p, which gives it the original mode first)', () => {
  const lines = ENV_FILE_KEYS_SCRIPT.split('\n').map((l) => l.trim());
  expect(lines).not.toContain('cp -p "$target" "$backup"');
  const at = (line: string) => lines.indexOf(line);
  expect(at('umask 077')).toBeGreaterThan(0);
  expect(at('(set -C; : > "$backup")')).toBeGreaterThan(at('umask 077'));
  expect(at('chmod 0600 "$backup"')).toBe(at('(set -C; : > "$backup")') + 1);
  expect(at('cat "$target" > "$backup"')).toBe(at('chmod 0600 "$backup"') + 1);
  expect(at('if [ -f "$b" ]; then chmod 0600 "$b"; fi')).toBeLessThan(
    at('if [ "$current" != /dev/null ] && cmp -s "$new" "$target" && cmp -s "$newowned" "$previous"; then'),
  );
});
