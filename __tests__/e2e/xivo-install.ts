/**
 * A running XiVO installation on test hosts, written the way XiVO's installers leave one:
 * the PBX's `/etc/docker/xivo` (factory.env, custom.env, its own Compose project with XiVO's
 * configmgt and a RabbitMQ), and XiVO CC's `/etc/docker/compose` (factory.env with the installer's
 * keys, custom.env with the installer's and an operator's keys, `docker-xivocc.yml` run as Compose
 * project `xivocc`, data volumes with data in them, the project's network). Deliberately
 * different from the catalogue: xuc runs another tag, has an extra variable, pgxivocc publishes
 * another port, the recording server runs under another image name, and a service the catalogue
 * does not model runs beside them. Images are the suite's stand-ins under those names.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { docker, importImage, TestHost, TOOLS_IMAGE } from './harness';

export const XIVO_RELEASE = '2024.05';
export const XIVO_DIST = '02';
const TAG = `${XIVO_RELEASE}.${XIVO_DIST}`;
/** The deliberate differences from the catalogue (the catalogue report must list them). */
export const DIFFERENCES = {
  xucTag: `${XIVO_RELEASE}.03`,
  xucExtraEnv: 'XUC_EXTRA_FLAG',
  pgHostPort: 5444,
  recordingImage: 'xivoxc/xivocc-recording',
  unmodelled: 'fingerboard',
} as const;
export const PUBLIC = { xivoHost: 'pbx.tko.test', xucHost: 'cc.tko.test' } as const;

export interface InstallSecrets {
  readonly token: string;
  readonly ctiPassword: string;
  readonly amiSecret: string;
  readonly wsPassword: string;
  readonly usmToken: string;
}

/** The services of the XiVO CC project: name → image, ports (host:container), volumes, extra environment. */
function ccServices(secrets: InstallSecrets) {
  return {
    pgxivocc: {
      image: `xivoxc/pgxivocc:${TAG}`,
      ports: [`${DIFFERENCES.pgHostPort}:5432`],
      volumes: ['pgxivocc-data:/var/lib/postgresql/data'],
      environment: {},
    },
    'xivo-db-replication': { image: `xivoxc/xivo-db-replication:${TAG}`, environment: { DB_HOST: 'pgxivocc', DB_PORT: '5432' } },
    'xivo-full-stats': { image: `xivoxc/xivo-full-stats:${TAG}`, environment: { DB_HOST: 'pgxivocc', DB_PORT: '5432' } },
    'recording-server': {
      image: `${DIFFERENCES.recordingImage}:${TAG}`,
      ports: ['9400:9400'],
      volumes: ['recordings:/var/spool/recording-server'],
      environment: { DB_HOST: 'pgxivocc', DB_PORT: '5432' },
    },
    xuc: {
      image: `xivoxc/xuc:${DIFFERENCES.xucTag}`,
      ports: ['8090:8090'],
      environment: {
        [DIFFERENCES.xucExtraEnv]: 'on',
        XIVO_CTI_PASSWORD: secrets.ctiPassword,
        XIVO_AMI_SECRET: secrets.amiSecret,
        XIVO_WS_PASSWORD: secrets.wsPassword,
        XIVO_CTI_USER: 'xuc',
      },
    },
    xucmgt: { image: `xivoxc/xucmgt:${TAG}`, ports: ['8070:8070'], environment: {} },
    nginx: {
      image: `xivoxc/xivoxc-nginx:${TAG}`,
      ports: ['80:80', '443:443'],
      volumes: ['/etc/docker/nginx/ssl:/etc/nginx/ssl:ro'],
      environment: {},
    },
    [DIFFERENCES.unmodelled]: { image: `xivoxc/${DIFFERENCES.unmodelled}:${TAG}`, environment: {} },
  } as Record<string, { image: string; ports?: string[]; volumes?: string[]; environment: Record<string, string> }>;
}

/** The modelled services of the CC project (what discover must adopt). */
export const ADOPTED_SERVICES = ['pgxivocc', 'xivo-db-replication', 'xivo-full-stats', 'recording-server', 'xuc', 'xucmgt', 'nginx'] as const;

/** The installer's files as XiVO CC leaves them: factory defaults, then the installer's and an operator's settings. */
export function ccFiles(secrets: InstallSecrets): { factory: string; custom: string } {
  return {
    factory: `# XiVO CC factory defaults (xivocc-installer): do not edit, override in custom.env\nXIVOCC_TAG=${XIVO_RELEASE}\nXIVOCC_DIST=${XIVO_DIST}\nXIVOCC_LOG_LEVEL=info\n`,
    custom:
      `# XiVO CC settings (written by xivocc-installer)\nXIVO_HOST=${PUBLIC.xivoHost}\nXUC_HOST=${PUBLIC.xucHost}\n` +
      `PLAY_AUTH_TOKEN=${secrets.token}\nUSM_BACKEND_TOKEN=${secrets.usmToken}\n\n# operator: keep\nOPERATOR_KEY=kept as is\n`,
  };
}

function pbxFiles(secrets: InstallSecrets): { factory: string; custom: string } {
  return {
    factory: '# XiVO factory defaults\nXIVO_DOCKER_LOG_LEVEL=info\n',
    custom: `# XiVO settings (xivo_install.sh)\nXIVO_HOST=${PUBLIC.xivoHost}\nPLAY_AUTH_TOKEN=${secrets.token}\nUSM_BACKEND_TOKEN=${secrets.usmToken}\n`,
  };
}

function composeYaml(
  services: Record<string, { image: string; ports?: string[]; volumes?: string[]; environment: Record<string, string> }>,
  volumes: readonly string[],
): string {
  const lines = ['version: "3"', 'services:'];
  for (const [name, s] of Object.entries(services)) {
    lines.push(`  ${name}:`, `    image: ${s.image}`, '    env_file: [factory.env, custom.env]', '    restart: always');
    if (s.ports?.length) lines.push(`    ports: [${s.ports.map((p) => JSON.stringify(p)).join(', ')}]`);
    if (s.volumes?.length) lines.push(`    volumes: [${s.volumes.map((v) => JSON.stringify(v)).join(', ')}]`);
    if (Object.keys(s.environment).length) lines.push(`    environment: ${JSON.stringify(s.environment)}`);
  }
  if (volumes.length) lines.push('volumes:', ...volumes.map((v) => `  ${v}: {}`));
  return `${lines.join('\n')}\n`;
}

/** `docker-compose -p <project> -f <file> <args>` against a test host, as xivocc-dcomp runs it. */
export function compose(host: TestHost, dir: string, project: string, file: string, args: readonly string[]): string {
  const res = spawnSync('docker-compose', ['-H', host.socket, '-p', project, '-f', path.join(dir, file), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  if (res.status !== 0) throw new Error(`docker-compose ${args.join(' ')} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  return `${res.stdout}${res.stderr}`;
}

/** Imports the stand-ins the installation runs, under XiVO's names, and busybox for the tests' own containers. */
function importImages(host: TestHost, tarballs: string, images: readonly string[], ports: readonly number[]): void {
  importImage(host, path.join(tarballs, 'busybox.tar'), TOOLS_IMAGE);
  for (const image of images) {
    const service = image
      .replace(/:[^/:]+$/, '')
      .split('/')
      .pop()!;
    importImage(host, path.join(tarballs, 'stub.tar'), image, { service, ports });
  }
}

export interface Installation {
  /** Where each Compose project lives on its host (through the host's filesystem root). */
  readonly ccDir: string;
  readonly pbxDir: string;
  /** Text of each custom.env as the installer and the operator left it. */
  readonly customEnv: { readonly pbx: string; readonly cc: string };
  /** The marker written into each data volume: volume name → content. */
  readonly markers: Readonly<Record<string, string>>;
}

/** Installs XiVO on `pbx` and XiVO CC on `cc`, started by Compose; returns where. */
export function installXivo(pbx: TestHost, cc: TestHost, tarballs: string, secrets: InstallSecrets): Installation {
  const services = ccServices(secrets);
  const ports = [5432, 9400, 8090, 8070, 80, 443, 9100, 5672];
  const project = (
    host: TestHost,
    dir: string,
    name: string,
    file: string,
    files: { factory: string; custom: string },
    projectServices: typeof services,
    volumes: string[],
  ) => {
    importImages(
      host,
      tarballs,
      Object.values(projectServices).map((s) => s.image),
      ports,
    );
    const at = path.join(host.fsRoot, dir);
    fs.mkdirSync(at, { recursive: true });
    fs.writeFileSync(path.join(at, 'factory.env'), files.factory, { mode: 0o644 });
    fs.writeFileSync(path.join(at, 'custom.env'), files.custom, { mode: 0o600 });
    fs.writeFileSync(path.join(at, file), composeYaml(projectServices, volumes));
    compose(host, at, name, file, ['up', '-d']);
    return at;
  };
  fs.mkdirSync(path.join(cc.fsRoot, 'etc/docker/nginx/ssl'), { recursive: true });
  const cFiles = ccFiles(secrets);
  const ccDir = project(cc, 'etc/docker/compose', 'xivocc', 'docker-xivocc.yml', cFiles, services, ['pgxivocc-data', 'recordings']);
  const pFiles = pbxFiles(secrets);
  const pbxServices = {
    configmgt: { image: `xivoxc/config-mgt:${TAG}`, ports: ['9100:9100'], environment: {} },
    rabbitmq: { image: `xivoxc/rabbitmq:${TAG}`, environment: {} },
  };
  const pbxDir = project(pbx, 'etc/docker/xivo', 'xivo', 'docker-xivo.yml', pFiles, pbxServices, []);

  const markers: Record<string, string> = {};
  for (const volume of ['xivocc_pgxivocc-data', 'xivocc_recordings']) {
    markers[volume] = `data of ${volume} ${Date.now()}`;
    docker(cc, ['run', '--rm', '--network', 'none', '-v', `${volume}:/data`, TOOLS_IMAGE, 'sh', '-c', `echo '${markers[volume]}' > /data/MARKER`]);
  }
  return { ccDir, pbxDir, customEnv: { pbx: pFiles.custom, cc: cFiles.custom }, markers };
}

/** The marker of a data volume, read back. */
export function readMarker(host: TestHost, volume: string): string {
  return docker(host, ['run', '--rm', '--network', 'none', '-v', `${volume}:/data:ro`, TOOLS_IMAGE, 'cat', '/data/MARKER']).trim();
}
