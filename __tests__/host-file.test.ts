/** HostFile: a file on the Docker host written by a never-started helper container. */
import { DockerProvider, TerraformStack, Testing } from '../constructs/terraform-cdk';
import { HostFile, HostFileProps } from '../constructs/host-file';
import { expectValidationError } from './support/thrown';

function synth(props: HostFileProps[]) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  new DockerProvider(stack, 'docker', {});
  props.forEach((p, i) => new HostFile(stack, `file${i}`, p));
  return JSON.parse(Testing.synth(stack));
}

test('creates a stopped helper that bind-mounts the directory and uploads the file', () => {
  const json = synth([
    { path: '/etc/docker/xivo/custom.env', content: 'A=1\n' },
    { path: '/etc/kerberos/xuc.keytab', contentBase64: '${filebase64("x")}', permissions: '0640' },
  ]);
  expect(json).toMatchSnapshot();
  const [env, keytab] = Object.values<any>(json.resource.docker_container);
  expect(env).toMatchObject({
    name: 'xivo-file-etc-docker-xivo-custom.env',
    start: false,
    must_run: false,
    volumes: [{ host_path: '/etc/docker/xivo', container_path: '/host' }],
    upload: [{ file: '/host/custom.env', content: 'A=1\n', permissions: '0600' }],
  });
  expect(keytab.upload).toEqual([{ file: '/host/xuc.keytab', content_base64: '${filebase64("x")}', permissions: '0640' }]);
  expect(Object.keys(json.resource.docker_image)).toHaveLength(1);
});

test.each<[string, HostFileProps, string]>([
  ['relative path', { path: 'etc/custom.env', content: '' }, 'stack/file0: path "etc/custom.env" must be an absolute file path on the Docker host'],
  ['directory path', { path: '/etc/docker/', content: '' }, 'stack/file0: path "/etc/docker/" must be an absolute file path on the Docker host'],
  ['no content', { path: '/etc/x' }, 'stack/file0: give exactly one of content and contentBase64'],
  ['two contents', { path: '/etc/x', content: 'a', contentBase64: 'YQ==' }, 'stack/file0: give exactly one of content and contentBase64'],
  ['empty content', { path: '/etc/x', content: '' }, 'stack/file0: content must not be empty (the Docker provider rejects an empty upload)'],
  [
    'empty base64 content',
    { path: '/etc/x', contentBase64: '' },
    'stack/file0: content must not be empty (the Docker provider rejects an empty upload)',
  ],
  ['bad mode', { path: '/etc/x', content: 'a', permissions: '644' }, 'stack/file0: permissions "644" must be an octal mode like "0600"'],
])('rejects a %s', (_name, props, message) => {
  expectValidationError(() => synth([props]), 'stack/file0', message);
});
