/**
 * `npm run discover -- --file <environment file> --server <name> --roles <roles> --docker <URL> [options]`:
 * reads a running XiVO server through the Docker API and writes (or extends) an environment file
 * that adopts it, and the catalogue report next to it. Exit 0 when written, 1 when refused
 * (nothing written; the message says why and what to do).
 */
import { parseArgs } from 'util';
import { ALL_ROLES, PublicName, Role } from '../catalogue/types';
import { discover, DiscoverOptions } from './discover';
import { DiscoverError } from './refusals';

export const USAGE = `usage: npm run discover -- --file <environment file> --server <name> --roles <role[,role]> --docker <unix://… | ssh://user@host[:port] | tcp://host:port>
  [--tls-ca FILE --tls-cert FILE --tls-key FILE]   client TLS files of a tcp:// host (kept relative to the environment file)
  [--ssh-opts="-i KEY -o StrictHostKeyChecking=yes"]   ssh options of an ssh:// host (the environment file's allow-list)
  [--address ADDR] [--fqdn NAME]                  how other servers reach this one (default: the host of an ssh:// or tcp:// URL)
  [--environment NAME]                            name of a new environment (default: the file's base name)
  [--project NAME]                                the Compose project to take over when several run XiVO services
  [--release YYYY.NN]                             when the host does not say it (no XIVOCC_TAG, no release tag)
  [--public-name key=value]...                    a public name the host cannot give (xucHost when XUC_HOST is an address)
  [--report FILE]                                 the catalogue report (default: <file>.<server>.catalogue-report.md)
  [--record FILE]                                 also write what was read (docker inspect JSON, env files; secrets redacted)`;

const PUBLIC_NAMES = new Set<string>(Object.values(PublicName));

/** The options of a command line; throws DiscoverError with the usage on a mistake. */
export function parseCommandLine(args: readonly string[]): DiscoverOptions {
  const usage = (problem: string) => new DiscoverError(`${problem}\n${USAGE}`);
  let values: Record<string, string | string[] | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        file: { type: 'string' },
        server: { type: 'string' },
        roles: { type: 'string' },
        docker: { type: 'string' },
        'tls-ca': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'ssh-opts': { type: 'string' },
        address: { type: 'string' },
        fqdn: { type: 'string' },
        environment: { type: 'string' },
        project: { type: 'string' },
        release: { type: 'string' },
        'public-name': { type: 'string', multiple: true },
        report: { type: 'string' },
        record: { type: 'string' },
      },
      strict: true,
    }).values as Record<string, string | string[] | undefined>;
  } catch (e) {
    throw usage((e as Error).message);
  }
  const get = (name: string) => values[name] as string | undefined;
  for (const required of ['file', 'server', 'roles', 'docker']) if (!get(required)) throw usage(`--${required} is required`);
  const roles = get('roles')!
    .split(',')
    .map((r) => r.trim());
  const unknown = roles.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (unknown.length) throw usage(`--roles: ${unknown.join(', ')} is not a role: use ${ALL_ROLES.join(', ')}`);
  const tlsFiles = [get('tls-ca'), get('tls-cert'), get('tls-key')];
  if (tlsFiles.some(Boolean) && !tlsFiles.every(Boolean)) throw usage('--tls-ca, --tls-cert and --tls-key go together');
  const publicNames: Partial<Record<PublicName, string>> = {};
  for (const entry of (values['public-name'] as string[] | undefined) ?? []) {
    const [key, ...rest] = entry.split('=');
    if (!PUBLIC_NAMES.has(key) || !rest.length)
      throw usage(`--public-name ${entry}: write key=value with key one of ${[...PUBLIC_NAMES].join(', ')}`);
    publicNames[key as PublicName] = rest.join('=');
  }
  return {
    file: get('file')!,
    server: get('server')!,
    roles: roles as Role[],
    docker: {
      host: get('docker')!,
      sshOpts: get('ssh-opts')?.split(/\s+/).filter(Boolean),
      tls: tlsFiles.every(Boolean) ? { caFile: tlsFiles[0]!, certFile: tlsFiles[1]!, keyFile: tlsFiles[2]! } : undefined,
    },
    address: get('address'),
    fqdn: get('fqdn'),
    environment: get('environment'),
    project: get('project'),
    release: get('release'),
    publicNames,
    report: get('report'),
    record: get('record'),
  };
}

if (require.main === module) {
  (async () => {
    const options = parseCommandLine(process.argv.slice(2));
    const result = await discover(options);
    console.log(result.summary);
  })().catch((e) => {
    console.error(`discover: ${e instanceof DiscoverError ? e.message : (e as Error).stack}`);
    process.exitCode = 1;
  });
}
