/**
 * Operators' habits on a taken-over XiVO CC server: `xivocc-dcomp` is docker-compose with
 * project `xivocc` and the compose file docker-xivocc.yml. Containers created with the labels
 * we synthesize for prod-cc-core's xuc and xucmgt must be found by the real docker-compose:
 * `ps`, `logs <service>`, `exec <service>`.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerEngine, startDockerd, TEST_APPLETS_IMAGE } from '../support/docker-engine';
import { describeWithPrograms } from '../support/programs';
import { resources, synthEnvironments } from '../support/synth';

jest.setTimeout(120_000);

const IS_ROOT = process.getuid?.() === 0;
const PREFIX = `xivo-cdktf-compose-test-${process.pid}`;

function run(program: string, args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(program, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describeWithPrograms(
  'docker-compose finds the containers we manage (xivocc-dcomp ps/logs/exec)',
  { dockerd: 'docker.io', docker: 'docker.io', 'docker-compose': 'docker-compose', '/bin/busybox': 'busybox-static' },
  () => {
    if (!IS_ROOT && process.env.CI !== 'true') {
      console.warn('Skipping the docker-compose conformance test: the local engine needs root');
      test.skip('needs root', () => undefined);
      return;
    }
    const output = synthEnvironments();
    const services = ['xivocc-xuc', 'xivocc-xucmgt'].map((name) => {
      const found = resources(output.json('prod-cc-core'), 'docker_container').find(([, c]) => c.name === name);
      if (!found) throw new Error(`no ${name} in prod-cc-core`);
      return found[1];
    });
    let engine: DockerEngine;
    let dir: string;
    const compose = (...args: string[]) => run('docker-compose', ['-p', 'xivocc', '-f', 'docker-xivocc.yml', ...args], dir);

    beforeAll(async () => {
      if (!IS_ROOT) throw new Error('run as root');
      startDockerd();
      engine = DockerEngine.local();
      await engine.ensureAppletsImage();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-compose-'));
      // XiVO's compose file names the same services (its images do not matter to ps/logs/exec).
      fs.writeFileSync(
        path.join(dir, 'docker-xivocc.yml'),
        'version: "2.4"\nservices:\n  xuc:\n    image: xivoxc/xuc\n  xucmgt:\n    image: xivoxc/xucmgt\n',
      );
      for (const config of services) {
        const labels = Object.fromEntries(config.labels.map((l: { label: string; value: string }) => [l.label, l.value]));
        const created = await engine.call<{ Id: string }>('POST', `/containers/create?name=${PREFIX}-${config.name}`, {
          Image: TEST_APPLETS_IMAGE,
          Cmd: ['sh', '-c', `echo ${config.name} is up; exec sleep 600`],
          Labels: labels,
          HostConfig: { NetworkMode: 'none' },
        });
        await engine.call('POST', `/containers/${created.Id}/start`);
      }
      // A container without our labels: Compose must not see it.
      await engine.call('POST', `/containers/create?name=${PREFIX}-unlabelled`, {
        Image: TEST_APPLETS_IMAGE,
        Cmd: ['sleep', '600'],
        HostConfig: { NetworkMode: 'none' },
      });
    }, 120_000);

    afterAll(async () => {
      for (const name of [...services.map((c) => `${PREFIX}-${c.name}`), `${PREFIX}-unlabelled`]) {
        await engine?.request('DELETE', `/containers/${name}?force=1`);
      }
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(path.dirname(output.outdir), { recursive: true, force: true });
    });

    test('the synthesized labels name project xivocc and the Compose service', () => {
      expect(services.map((c) => c.labels.filter((l: { label: string }) => l.label.startsWith('com.docker.compose.')))).toEqual([
        [
          { label: 'com.docker.compose.container-number', value: '1' },
          { label: 'com.docker.compose.oneoff', value: 'False' },
          { label: 'com.docker.compose.project', value: 'xivocc' },
          { label: 'com.docker.compose.service', value: 'xuc' },
        ],
        [
          { label: 'com.docker.compose.container-number', value: '1' },
          { label: 'com.docker.compose.oneoff', value: 'False' },
          { label: 'com.docker.compose.project', value: 'xivocc' },
          { label: 'com.docker.compose.service', value: 'xucmgt' },
        ],
      ]);
    });

    test('xivocc-dcomp ps lists them, and only them', async () => {
      const ps = await compose('ps');
      expect(ps.code).toBe(0);
      expect(ps.stdout).toContain(`${PREFIX}-xivocc-xuc `);
      expect(ps.stdout).toContain(`${PREFIX}-xivocc-xucmgt `);
      expect(ps.stdout).not.toContain(`${PREFIX}-unlabelled`);
    });

    test('xivocc-dcomp logs xuc shows its output', async () => {
      const logs = await compose('logs', '--no-color', 'xuc');
      expect(logs.code).toBe(0);
      expect(logs.stdout).toContain('xivocc-xuc is up');
      expect(logs.stdout).not.toContain('xivocc-xucmgt is up');
    });

    test('xivocc-dcomp exec xucmgt runs in that container', async () => {
      const exec = await compose('exec', '-T', 'xucmgt', 'hostname');
      expect(exec.code).toBe(0);
      const inspected = await engine.call<{ Config: { Hostname: string } }>('GET', `/containers/${PREFIX}-xivocc-xucmgt/json`);
      expect(exec.stdout.trim()).toBe(inspected.Config.Hostname);
    });
  },
);
