/**
 * Terraform + kreuzwerker/docker 3.6.2 (from the offline provider mirror) against a real Docker
 * engine, on what our constructs synthesize:
 * - an existing data volume with content, named in `adoptVolumes`, is imported by the first
 *   apply and keeps its content through that apply and a second one, which changes nothing;
 * - the custom.env job (EnvFileKeys) updates our keys in a pre-seeded file, a second plan is
 *   empty (the job does not rerun), a new token reruns it and changes only its line.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerProvider, TerraformStack, TerraformVariable, Testing } from '../../constructs/terraform-cdk';
import { serviceDefinition } from '../../catalogue/services';
import { EnvFileKeys } from '../../constructs/env-file-keys';
import { ServiceContainer } from '../../constructs/service-container';
import { XivoPlatform } from '../../constructs/xivo-platform';
import { XivoServer } from '../../constructs/xivo-server';
import { DockerEngine, startDockerd, TEST_APPLETS_IMAGE } from '../support/docker-engine';
import { tarArchive } from '../support/docker-tar';
import { describeWithPrograms, TERRAFORM } from '../support/programs';
import { findTerraformTools, terraform } from '../support/terraform-apply';

jest.setTimeout(240_000);

const tools = findTerraformTools();
const IS_ROOT = process.getuid?.() === 0;
const PREFIX = `xivo-cdktf-tftest-${process.pid}`;
/** Stand-in for the pgxivocc image: busybox that stays up. */
const PG_IMAGE = 'xivo-cdktf-test/pgxivocc:running';

describeWithPrograms(
  'Terraform + kreuzwerker/docker: takeover on a real engine',
  {
    dockerd: 'docker.io',
    docker: 'docker.io',
    '/bin/busybox': 'busybox-static',
    [tools.terraform]: TERRAFORM,
    [tools.dockerProvider]: 'terraform providers built into a filesystem mirror (scripts/e2e/build-tools.sh, ~/.cache/xivo-cdktf/tools)',
  },
  () => {
    if (!IS_ROOT && process.env.CI !== 'true') {
      console.warn('Skipping the Terraform takeover test: it reads back root-owned files: run it as root');
      test.skip('needs root', () => undefined);
      return;
    }
    let engine: DockerEngine;
    let tmp: string;
    const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000 }).trim();
    const writeStack = (dir: string, build: (stack: TerraformStack) => void) => {
      const app = Testing.app();
      const stack = new TerraformStack(app, 'takeover');
      new DockerProvider(stack, 'docker', { host: 'unix:///var/run/docker.sock' });
      build(stack);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'cdk.tf.json'), Testing.synth(stack));
    };
    const cleanup = () => {
      for (const args of [
        ['rm', '-f', `${PREFIX}-job`, 'xivocc-pgxivocc', EnvFileKeys.containerName(path.join(tmp ?? '/nowhere', 'etc/docker/xivo/custom.env'))],
        ['network', 'rm', `${PREFIX}-net`],
        ['volume', 'rm', `${PREFIX}-legacy-data`],
      ]) {
        try {
          docker(...args);
        } catch {
          // absent already
        }
      }
    };

    beforeAll(async () => {
      if (!IS_ROOT) throw new Error('run as root');
      startDockerd();
      engine = DockerEngine.local();
      await engine.ensureAppletsImage();
      const context = tarArchive([{ name: 'Dockerfile', mode: 0o644, content: Buffer.from(`FROM ${TEST_APPLETS_IMAGE}\nCMD ["sleep", "3600"]\n`) }]);
      const res = await engine.request('POST', `/build?t=${encodeURIComponent(PG_IMAGE)}&rm=1&networkmode=none`, context, 'application/x-tar');
      if (res.status !== 200 || res.body.toString().includes('"error"')) throw new Error(`building ${PG_IMAGE}: ${res.body.toString()}`);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-tf-takeover-'));
      cleanup();
    }, 120_000);

    afterAll(() => {
      cleanup();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    test('an existing data volume with content is adopted and keeps it through two applies', async () => {
      const volume = `${PREFIX}-legacy-data`;
      docker('volume', 'create', '--label', 'com.docker.compose.project=xivocc', volume);
      docker('run', '--rm', '--network', 'none', '-v', `${volume}:/data`, TEST_APPLETS_IMAGE, 'sh', '-c', 'echo keep-me > /data/PG_VERSION');

      const dir = path.join(tmp, 'volume');
      // A server of the library (its stack and network `${PREFIX}-net`), with no role: only the service.
      const app = Testing.app();
      const server = new XivoServer(app, 'net', {
        platform: new XivoPlatform(app, PREFIX, { release: '2024.05.00' }),
        address: '127.0.0.1',
        docker: { host: 'unix:///var/run/docker.sock' },
        roles: [],
      });
      new ServiceContainer(server, 'pgxivocc', {
        definition: serviceDefinition('cc.pgxivocc'),
        overrides: { image: 'xivo-cdktf-test/pgxivocc', tag: 'running', adoptVolumes: { data: volume } },
      });
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'cdk.tf.json'), Testing.synth(server));
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
      expect(json.import).toEqual([{ id: volume, to: expect.stringMatching(/^docker_volume\./) }]);

      const init = await terraform(tools, dir, ['init']);
      expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
      const first = await terraform(tools, dir, ['apply', '-auto-approve']);
      expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
      expect(first.stdout).toMatch(/Apply complete! Resources: 1 imported, \d+ added, 0 changed, 0 destroyed\./);

      const read = () => docker('run', '--rm', '--network', 'none', '-v', `${volume}:/data`, TEST_APPLETS_IMAGE, 'cat', '/data/PG_VERSION');
      expect(read()).toBe('keep-me');
      expect(docker('inspect', 'xivocc-pgxivocc', '--format', '{{range .Mounts}}{{.Name}}={{.Destination}} {{end}}')).toBe(
        `${volume}=/var/lib/postgresql/data`,
      );
      // Still the creator's labels: nothing replaced it.
      expect(docker('volume', 'inspect', volume, '--format', '{{index .Labels "com.docker.compose.project"}}')).toBe('xivocc');

      const plan = await terraform(tools, dir, ['plan', '-detailed-exitcode']);
      expect({ code: plan.code, stdout: plan.stdout.includes('No changes.') ? 'No changes.' : plan.stdout }).toEqual({
        code: 0,
        stdout: 'No changes.',
      });
      const second = await terraform(tools, dir, ['apply', '-auto-approve']);
      expect(second.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 0 destroyed.');
      expect(read()).toBe('keep-me');
    });

    test('custom.env: our keys set by the job, no rerun while values are unchanged, a new token reruns it', async () => {
      const hostFile = path.join(tmp, 'etc/docker/xivo/custom.env');
      fs.mkdirSync(path.dirname(hostFile), { recursive: true });
      const seeded = '# XiVO installer\nUSM_BACKEND_TOKEN=abc\nXIVO_HOST=10.0.0.1\n';
      fs.writeFileSync(hostFile, seeded, { mode: 0o644 });
      const dir = path.join(tmp, 'envfile');
      writeStack(dir, (stack) => {
        const token = new TerraformVariable(stack, 'play_auth_token', { type: 'string', sensitive: true });
        new EnvFileKeys(stack, 'custom-env', {
          path: hostFile,
          values: { PLAY_AUTH_TOKEN: token.stringValue, XIVO_HOST: 'pbx.example.com' },
          helperImage: TEST_APPLETS_IMAGE,
        });
      });
      const tokenA = 'a'.repeat(40);
      const tokenB = 'b'.repeat(40);
      expect((await terraform(tools, dir, ['init'])).code).toBe(0);
      const first = await terraform(tools, dir, ['apply', '-auto-approve'], { play_auth_token: tokenA });
      expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
      expect(fs.readFileSync(hostFile, 'utf8')).toBe(
        `# XiVO installer\nUSM_BACKEND_TOKEN=abc\nXIVO_HOST=pbx.example.com\nPLAY_AUTH_TOKEN=${tokenA}\n`,
      );
      expect(fs.statSync(hostFile).mode & 0o7777).toBe(0o600);
      // The token is in no container attribute Docker shows, only in the file.
      expect(docker('inspect', EnvFileKeys.containerName(hostFile))).not.toContain(tokenA);

      const mtime = fs.statSync(hostFile).mtimeMs;
      const plan = await terraform(tools, dir, ['plan', '-detailed-exitcode'], { play_auth_token: tokenA });
      expect({ code: plan.code, noChanges: plan.stdout.includes('No changes.') }).toEqual({ code: 0, noChanges: true });

      const rotated = await terraform(tools, dir, ['apply', '-auto-approve'], { play_auth_token: tokenB });
      expect({ code: rotated.code, stderr: rotated.stderr }).toEqual({ code: 0, stderr: '' });
      expect(rotated.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 1 destroyed.');
      expect(fs.readFileSync(hostFile, 'utf8')).toBe(
        `# XiVO installer\nUSM_BACKEND_TOKEN=abc\nXIVO_HOST=pbx.example.com\nPLAY_AUTH_TOKEN=${tokenB}\n`,
      );
      expect(fs.statSync(hostFile).mtimeMs).toBeGreaterThan(mtime);
      const backups = fs.readdirSync(path.dirname(hostFile)).filter((f) => f.startsWith('custom.env.backup-'));
      expect(backups).toHaveLength(2);
    });
  },
);
