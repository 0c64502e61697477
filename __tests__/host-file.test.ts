/** HostFile: a file on the Docker host written by a never-started helper container. */
import { DockerProvider, TerraformStack, Testing } from '../constructs/terraform-cdk';
import { HostFile, HostFileProps } from '../constructs/host-file';
import { DIGEST_PINNED_REFERENCE, HOST_FILE_HELPER_IMAGE } from '../catalogue/services';
import { Role } from '../catalogue/types';
import { libraryStack, resourcesOf } from './support/library-stack';
import { Template } from './support/template';
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

describe('the helper image', () => {
  const PINNED = `registry.example.com/tools/busybox@sha256:${'ab'.repeat(32)}`;

  test('the catalogue default is pinned by digest, behind the platform registry; one image resource per stack', () => {
    expect(HOST_FILE_HELPER_IMAGE).toMatch(DIGEST_PINNED_REFERENCE);
    const lib = libraryStack({ roles: [Role.XIVO, Role.CC], platformProps: { registry: 'mirror.example.com/xivo' } });
    const helpers = resourcesOf(lib.synth(), 'docker_image').filter((i) => i.name.includes('busybox'));
    expect(helpers.map((i) => i.name)).toEqual([`mirror.example.com/xivo/${HOST_FILE_HELPER_IMAGE}`]);
    expect(Template.fromStack(lib.stack).warnings()).toEqual([]);
  });

  test("the platform's helperImage is used as written (no registry prefix) by every helper and job", () => {
    const lib = libraryStack({ roles: [Role.XIVO, Role.CC], platformProps: { registry: 'mirror.example.com/xivo', helperImage: PINNED } });
    const json = lib.synth();
    const [id, image] = Object.entries<any>(json.resource.docker_image).find(([, i]) => i.name === PINNED)!;
    // A digest names the resource by its first 12 digits: the logical ID stays short and stable.
    expect(id).toBe('host-file-helper-registry-example-com-tools-busybox-abababababab');
    expect(image.keep_locally).toBe(true);
    const helpers = resourcesOf(json, 'docker_container').filter((c) => c.labels?.some((l: { label: string }) => l.label === 'org.xivo.host-file'));
    expect(helpers.length).toBeGreaterThanOrEqual(2);
    for (const c of helpers) expect(c.image).toBe(`\${docker_image.${id}.image_id}`);
    expect(resourcesOf(json, 'docker_image').filter((i) => i.name.includes('busybox'))).toHaveLength(1);
  });

  test('a helper image named by a tag warns: its jobs run as root on the host', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    new DockerProvider(stack, 'docker', {});
    new HostFile(stack, 'a', { path: '/etc/a', content: 'a', helperImage: 'busybox:stable' });
    new HostFile(stack, 'b', { path: '/etc/b', content: 'b', helperImage: 'busybox:stable' });
    expect(Template.fromStack(stack).warnings()).toEqual([
      'stack/host-file-helper-busybox-stable: helper image busybox:stable is not pinned by digest: whoever can move its tag chooses what runs as root on the host; write <name>@sha256:<digest>, or name an image you build',
    ]);
  });
});
