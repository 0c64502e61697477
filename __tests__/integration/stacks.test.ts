/** The bundled environments, synthesized: one snapshot per stack plus targeted assertions. */
import { HOST_FILE_HELPER_IMAGE } from '../../catalogue/services';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { resources, strings, synthEnvironments, SynthOutput } from '../support/synth';

let out: SynthOutput;
beforeAll(() => {
  out = synthEnvironments();
});

const bundled = fs
  .readdirSync('environments')
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const specs = bundled.map((f) => parse(fs.readFileSync(path.join('environments', f), 'utf8')));
const serverStacks = specs.flatMap((s) => s.servers.map((srv: { name: string }) => `${s.name}-${srv.name}`));
// The key stacks: each server whose certificate the internal CA of another server's stack signs (issue 20).
const keyStacks = ['prod-cc-core-key', 'prod-uc-key', 'prod-edge-key', 'sso-cc-key'];
const stackNames = [...serverStacks, ...keyStacks];
const TOKEN_REF = '${var.play_auth_token}';

describe('cdktf.out', () => {
  test('holds one stack per server of each bundled environment, and a key stack per server with a key signed elsewhere', () => {
    expect(out.stacks.sort()).toEqual([...stackNames].sort());
    expect(fs.readdirSync(path.join(out.outdir, 'stacks')).sort()).toEqual([...stackNames].sort());
  });

  test('prod is a real multi-server install', () => {
    const prod = specs.find((s) => s.name === 'prod');
    expect(prod.servers.length).toBeGreaterThanOrEqual(6);
    const roles = new Set(prod.servers.flatMap((s: { roles: string[] }) => s.roles));
    for (const role of ['xivo', 'mds', 'cc', 'ucaddon']) expect(roles).toContain(role);
    expect(prod.servers.filter((s: { roles: string[] }) => s.roles.includes('cc')).length).toBeGreaterThanOrEqual(2);
    expect(prod.servers.filter((s: { roles: string[] }) => s.roles.includes('mds')).length).toBe(2);
  });

  test.each(stackNames)('%s matches its snapshot', (stack) => {
    const { '//': _metadata, ...json } = out.json(stack);
    expect(json).toMatchSnapshot();
  });
});

describe.each(keyStacks)('key stack %s', (stack) => {
  const serverStack = stack.replace(/-key$/, '');

  test("has its server's Docker provider, no variable, and outputs its CSR only", () => {
    const json = out.json(stack);
    expect(json.provider.docker).toEqual(out.json(serverStack).provider.docker);
    expect(json.variable).toBeUndefined();
    expect(Object.values<any>(json.output).map((o) => o.value)).toEqual([expect.stringMatching(/^\$\{tls_cert_request\.\S+\.cert_request_pem\}$/)]);
    expect(json.terraform.backend).toEqual(
      JSON.parse(
        JSON.stringify(out.json(serverStack).terraform.backend)
          .replace(`${serverStack}.tfstate`, `${stack}.tfstate`)
          .replace(serverStack.replace(/-/g, '_'), stack.replace(/-/g, '_')),
      ),
    );
  });
});

describe.each(serverStacks)('stack %s', (stack) => {
  const envName = stack.split('-')[0];
  const spec = () => specs.find((s) => s.name === envName);
  const server = () => spec().servers.find((s: { name: string }) => `${envName}-${s.name}` === stack);

  test('has exactly one Docker provider, for the host of its server', () => {
    const providers = out.json(stack).provider.docker;
    expect(providers).toHaveLength(1);
    expect(providers[0].host).toBe(server().docker.host);
  });

  test('gets PLAY_AUTH_TOKEN only as the shared sensitive variable', () => {
    const json = out.json(stack);
    // An edge proxy only forwards HTTPS: it runs nothing that calls the XiVO APIs.
    if (server().roles.every((r: string) => r === 'edge')) {
      expect(json.variable?.play_auth_token).toBeUndefined();
      expect(strings(json).some((s) => s.includes('PLAY_AUTH_TOKEN'))).toBe(false);
      return;
    }
    expect(json.variable.play_auth_token).toMatchObject({ sensitive: true, type: 'string', nullable: false });
    const values = strings(json.resource)
      .flatMap((s) => [...s.matchAll(/PLAY_AUTH_TOKEN=([^\n]*)/g)])
      .map((m) => m[1]);
    expect(values.length).toBeGreaterThan(0);
    expect(new Set(values)).toEqual(new Set([TOKEN_REF]));
  });

  test('manages the keys of the host custom.env of each role it carries, token included, with a one-shot job', () => {
    const jobs = resources(out.json(stack), 'docker_container').filter(([, c]) =>
      c.labels.some((l: { label: string; value: string }) => l.label === 'org.xivo.job' && l.value === 'env-file-keys'),
    );
    const expected = {
      xivo: '/etc/docker/xivo/custom.env',
      mds: '/etc/docker/mds/custom.env',
      cc: '/etc/docker/compose/custom.env',
      ucaddon: '/etc/docker/compose/custom.env',
    } as Record<string, string>;
    const paths = [
      ...new Set(
        server()
          .roles.filter((r: string) => expected[r])
          .map((r: string) => expected[r]),
      ),
    ];
    expect(jobs.map(([, c]) => c.labels.find((l: { label: string }) => l.label === 'org.xivo.host-file').value).sort()).toEqual([...paths].sort());
    for (const [, c] of jobs) {
      const values = c.upload.find((u: { file: string }) => u.file === '/xivo-cdktf/managed.env');
      expect(values.content).toContain(`PLAY_AUTH_TOKEN=${TOKEN_REF}\n`);
      expect(values.permissions).toBe('0600');
      // The token reaches the job only through the uploaded file, never env, command or labels.
      expect(strings([c.env, c.entrypoint, c.command, c.labels]).some((v) => v.includes('play_auth_token'))).toBe(false);
      expect(c).toMatchObject({ attach: true, must_run: false, restart: 'no', network_mode: 'none' });
      expect(c.start).not.toBe(false);
    }
    // No HostFile writer rewrites a custom.env whole any more.
    const writers = resources(out.json(stack), 'docker_container').filter(([, c]) => c.start === false);
    expect(writers.filter(([, c]) => c.name.endsWith('custom.env'))).toEqual([]);
  });

  test('service containers: sorted env, labels, restart policy, log rotation, network alias', () => {
    const isJob = (c: Record<string, any>) => c.labels.some((l: { label: string }) => l.label === 'org.xivo.job');
    const containers = resources(out.json(stack), 'docker_container').filter(([, c]) => c.start !== false && !isJob(c));
    for (const [, c] of containers) {
      expect(c.env).toEqual([...c.env].sort());
      const labels = Object.fromEntries(c.labels.map((l: { label: string; value: string }) => [l.label, l.value]));
      expect(labels).toMatchObject({ 'org.xivo.environment': envName, 'org.xivo.server': server().name, 'org.xivo.release': spec().release });
      expect(labels['org.xivo.role']).toBeDefined();
      expect(labels['org.xivo.service']).toBeDefined();
      expect(c.restart).toBe('unless-stopped');
      expect(c.log_driver).toBe('json-file');
      expect(Object.keys(c.log_opts).sort()).toEqual(['max-file', 'max-size']);
      expect(c.networks_advanced[0].aliases).toEqual([c.name]);
    }
  });

  test('one-shot jobs run once and are never restarted', () => {
    const jobs = resources(out.json(stack), 'docker_container').filter(([, c]) =>
      c.labels.some((l: { label: string }) => l.label === 'org.xivo.job'),
    );
    for (const [, c] of jobs) {
      expect(c.restart).toBe('no');
      expect(c.must_run).toBe(false);
    }
  });

  test('data volumes are protected from destruction and keep stable names; adopted ones are imported', () => {
    const json = out.json(stack);
    const imported = new Map<string, string>((json.import ?? []).map((i: { to: string; id: string }) => [i.to, i.id]));
    for (const [id, v] of resources(json, 'docker_volume')) {
      const adoptedAs = imported.get(`docker_volume.${id}`);
      if (adoptedAs) {
        // Imported under its existing name, its creator's labels and driver options left alone.
        expect(v.name).toBe(adoptedAs);
        expect(v.labels).toBeUndefined();
        expect(v.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['labels', 'driver', 'driver_opts'] });
        continue;
      }
      // Labels carry the release: compared again, a release upgrade would replace (empty) the volume.
      expect(v.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['labels'] });
      expect(v.name).toMatch(/^[a-z]+-[a-z0-9-]+-[a-z]+$/);
    }
    expect(imported.size).toBe(stack === 'prod-cc-core' ? 1 : 0);
  });

  test('containers of XiVO CC and UC-Addon carry the Compose labels of project xivocc', () => {
    for (const [, c] of resources(out.json(stack), 'docker_container')) {
      const labels = Object.fromEntries(c.labels.map((l: { label: string; value: string }) => [l.label, l.value]));
      const role = labels['org.xivo.role'];
      const isService = c.start !== false && !labels['org.xivo.job'];
      if (isService && (role === 'cc' || role === 'ucaddon')) {
        expect(labels).toMatchObject({
          'com.docker.compose.project': 'xivocc',
          'com.docker.compose.service': labels['org.xivo.service'],
          'com.docker.compose.oneoff': 'False',
          'com.docker.compose.container-number': '1',
        });
      } else {
        expect(Object.keys(labels).filter((l) => l.startsWith('com.docker.compose.'))).toEqual([]);
      }
    }
  });
});

describe('wiring', () => {
  const env = (stack: string, container: string) =>
    Object.fromEntries(
      resources(out.json(stack), 'docker_container')
        .find(([, c]) => c.name === container)![1]
        .env.map((e: string) => e.split(/=(.*)/s).slice(0, 2)),
    );

  test('a split CC reaches services on the other server by address, local ones by alias', () => {
    const nginx = env('prod-cc-core', 'xivocc-nginx');
    expect(nginx.RECORDING_SERVER_HOST).toBe('10.20.0.32');
    expect(nginx.REPORTING_HOST).toBe('10.20.0.32');
    expect(env('prod-cc-reporting', 'xivocc-spagobi')).toMatchObject({ DB_HOST: '10.20.0.31', DB_PORT: '5443' });
    expect(env('lab-allinone', 'xivocc-spagobi')).toMatchObject({ DB_HOST: 'xivocc-pgxivocc', DB_PORT: '5432' });
  });

  test('stacks deploy in start order: PBX, then MDS, then CC and UC-Addon', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(out.outdir, 'manifest.json'), 'utf8'));
    const deps = (s: string) => [...manifest.stacks[s].dependencies].sort();
    // The key stacks first: the PBX stack signs their CSRs.
    for (const keyStack of keyStacks) expect(deps(keyStack)).toEqual([]);
    expect(deps('prod-pbx')).toEqual(['prod-cc-core-key', 'prod-edge-key', 'prod-uc-key']);
    expect(deps('prod-mds1')).toEqual(['prod-pbx']);
    expect(deps('prod-cc-core')).toEqual(['prod-cc-core-key', 'prod-mds1', 'prod-mds2', 'prod-pbx']);
    expect(deps('prod-uc')).toEqual(['prod-mds1', 'prod-mds2', 'prod-pbx', 'prod-uc-key']);
  });

  test('state: relative local path by default, the declared remote backend otherwise', () => {
    expect(out.json('lab-allinone').terraform.backend.local.path).toBe('../../../terraform-state/lab-allinone.tfstate');
    expect(out.json('prod-pbx').terraform.backend.s3).toMatchObject({ bucket: 'acme-terraform-state', key: 'xivo/prod-pbx.tfstate', encrypt: true });
  });

  test('images follow the release line and the registry mirror', () => {
    const images = resources(out.json('prod-cc-core'), 'docker_image').map(([, i]) => i.name);
    expect(images).toContain('registry.prod.example.com/xivo-mirror/xivoxc/xuc:2024.05.latest');
    expect(images).toContain(`registry.prod.example.com/xivo-mirror/${HOST_FILE_HELPER_IMAGE}`);
  });
});
