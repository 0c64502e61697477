/**
 * Stand-in images of a synthesized stack, imported on its test host under the exact names the
 * stack uses (the tarballs of scripts/e2e/images.sh), and stand-ins of XiVO's own services that
 * run on a PBX or MDS host outside Terraform (Asterisk's HTTP server, configmgt).
 */
import * as fs from 'fs';
import * as path from 'path';
import { SERVICES } from '../../catalogue/services';
import { docker, importImage, TestHost, TOOLS_IMAGE } from './harness';

/** Every port a catalogue service listens on: each stub listens on all of them. */
const STUB_PORTS = [...new Set(SERVICES.flatMap((s) => s.ports.map((p) => p.internal)))].sort((a, b) => a - b);

/**
 * Imports a stand-in for every `docker_image` of the stack's cdk.tf.json that `host` lacks, and
 * TOOLS_IMAGE (what the tests run on the host). Images pinned by digest (the helper image) are
 * not imported: the Docker provider pulls them from the run's registry (harness.ts `hostsUp`).
 */
export function importStackStandIns(host: TestHost, stackJson: string, tarballs: string): void {
  const present = new Set(docker(host, ['images', '--format', '{{.Repository}}:{{.Tag}}']).trim().split('\n'));
  if (!present.has(TOOLS_IMAGE)) importImage(host, path.join(tarballs, 'busybox.tar'), TOOLS_IMAGE);
  const images = Object.values<{ name: string }>(JSON.parse(fs.readFileSync(stackJson, 'utf8')).resource?.docker_image ?? {});
  for (const { name } of images) {
    if (present.has(name) || name.includes('@sha256:')) continue;
    const base = name
      .replace(/:[^/:]+$/, '')
      .split('/')
      .pop()!;
    if (base.includes('nginx')) importImage(host, path.join(tarballs, 'nginx.tar'), name);
    else importImage(host, path.join(tarballs, base === 'xuc' ? 'stub-jre.tar' : 'stub.tar'), name, { service: base, ports: STUB_PORTS });
    present.add(name);
  }
}

/**
 * Runs a stub answering as `service` on `port` of `host`, published on the host's address, as a
 * XiVO package would listen there. Our engines have no default bridge: the stubs share a network.
 */
export function runHostStandIn(host: TestHost, tarballs: string, service: string, port: number): void {
  const image = `xivo-e2e/${service}-stand-in:test`;
  importImage(host, path.join(tarballs, 'stub.tar'), image, { service, ports: [port] });
  if (!docker(host, ['network', 'ls', '--format', '{{.Name}}']).split('\n').includes('xivo-host-stand-ins'))
    docker(host, ['network', 'create', 'xivo-host-stand-ins']);
  docker(host, ['run', '-d', '--name', `${service}-stand-in`, '--network', 'xivo-host-stand-ins', '-p', `${port}:${port}`, image]);
}
