/**
 * `npm run discover`: reads one server of a running XiVO installation through the Docker API,
 * compares what runs there with the catalogue, and writes (or extends) an environment file that
 * adopts it, plus the catalogue report next to it. Nothing is written unless the file loads
 * without error; secrets are never written nor printed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Role } from '../catalogue/types';
import { ConfigIssue, formatIssue } from '../config/errors';
import { loadEnvironmentFile } from '../config/loader';
import { sshOptionProblems } from '../config/ssh-options';
import { Environment } from '../config/model';
import { PublicName } from '../catalogue/types';
import { catalogueReport, checkFacts } from './catalogue-report';
import { DockerApi, DockerConnection, EngineUnreachable } from './docker-api';
import { environmentFileText, ServerEntry } from './environment-file';
import { firstReplacementChanges } from './first-replacement';
import { envFileDirectory, Finding, mapHost, ServerDiscovery } from './mapping';
import { readHost } from './read-host';
import { DiscoverError, REFUSALS } from './refusals';
import { checkSecretsAgree, secretsOnHost } from './secrets';
import { HostSnapshot, redactSnapshot } from './snapshot';

export interface DiscoverOptions {
  /** The environment file to write or extend. */
  readonly file: string;
  /** Environment name of a new file. @default the file's base name */
  readonly environment?: string;
  readonly server: string;
  readonly roles: readonly Role[];
  /** Docker host URL and its options, as the environment file will say them (TLS paths from the working directory). */
  readonly docker: {
    readonly host: string;
    readonly sshOpts?: readonly string[];
    readonly tls?: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
  };
  /** How other servers reach this one. @default the host of an ssh:// or tcp:// URL */
  readonly address?: string;
  readonly fqdn?: string;
  readonly project?: string;
  readonly release?: string;
  readonly publicNames?: Readonly<Partial<Record<PublicName, string>>>;
  /** Where the catalogue report goes. @default `<file without .yaml>.<server>.catalogue-report.md` */
  readonly report?: string;
  /** Writes the host's snapshot (secrets redacted) there, to send back or replay in tests. @default none */
  readonly record?: string;
  /** Test seam: how ssh:// hosts are dialled. @default ssh */
  readonly dialCommand?: readonly string[];
  /** Test seam: recorded snapshots by server name, read instead of the hosts. @default the hosts are read */
  readonly recorded?: Readonly<Record<string, HostSnapshot>>;
}

export interface DiscoverResult {
  readonly discovery: ServerDiscovery;
  readonly file: string;
  readonly report: string;
  readonly environment: Environment;
  /** Every finding: the host's, the file's disagreements, the loader's corrections, the first replacements. */
  readonly findings: readonly Finding[];
  /** The summary printed by the CLI. */
  readonly summary: string;
}

/** Reads a server (its snapshot) through the Docker API; a connection failure is the "unreachable" refusal. */
export async function snapshotOf(server: string, connection: DockerConnection, roles: readonly Role[]): Promise<HostSnapshot> {
  let api: DockerApi | undefined;
  try {
    api = new DockerApi(connection);
    return await readHost(
      api,
      roles.map(envFileDirectory).filter((d): d is string => !!d),
    );
  } catch (e) {
    if (e instanceof EngineUnreachable) throw new DiscoverError(REFUSALS.unreachable(server, connection.host, e.message));
    throw e;
  } finally {
    api?.close();
  }
}

/** What discover reads of the environment file it extends (the loader validates the result, not this). */
interface ExistingFile {
  readonly name?: string;
  readonly release?: unknown;
  readonly dist?: unknown;
  readonly registry?: string;
  readonly publicNames?: Readonly<Partial<Record<PublicName, string>>>;
  readonly servers?: readonly {
    readonly name: string;
    readonly roles?: readonly Role[];
    readonly docker: {
      readonly host: string;
      readonly sshOpts?: readonly string[];
      readonly tls?: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
    };
  }[];
  readonly services?: Readonly<Record<string, { readonly adoptContainer?: { readonly name?: string } } | null>>;
}

const defaultAddress = (host: string) => /^(?:ssh:\/\/[^@]+@|tcp:\/\/)([^:/]+)/.exec(host)?.[1];

/** Runs discover against `options.server`; writes the environment file and the report. @throws DiscoverError */
export async function discover(options: DiscoverOptions): Promise<DiscoverResult> {
  const file = path.resolve(options.file);
  const dir = path.dirname(file);
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const current = (existing ? parse(existing) : undefined) as ExistingFile | undefined;
  const environment = current?.name ?? options.environment ?? path.basename(file).replace(/\.ya?ml$/, '');
  if (current?.name && options.environment && current.name !== options.environment) {
    throw new DiscoverError(REFUSALS.differentEnvironment(options.file, current.name, options.environment));
  }
  const problems = sshOptionProblems(options.docker.sshOpts ?? []);
  if (problems.length) throw new DiscoverError(problems.map((p) => `--ssh-opt ${p.index}: ${p.message}`).join('\n'));
  const address = options.address ?? defaultAddress(options.docker.host);
  if (!address) throw new DiscoverError(REFUSALS.unixAddress(options.server));

  const read = (server: string, connection: DockerConnection, roles: readonly Role[]) =>
    options.recorded?.[server] ? Promise.resolve(options.recorded[server]) : snapshotOf(server, connection, roles);
  const snapshot = await read(options.server, { ...options.docker, dialCommand: options.dialCommand }, options.roles);
  if (options.record) fs.writeFileSync(options.record, `${JSON.stringify(redactSnapshot(snapshot), null, 2)}\n`);
  const discovery = mapHost(snapshot, {
    server: options.server,
    roles: options.roles,
    project: options.project,
    release: options.release,
    // The fronts' names the file already gives stand for an address the host holds (XUC_HOST as the installer writes it).
    publicNames: {
      ...Object.fromEntries(Object.entries(current?.publicNames ?? {}).filter(([k]) => k === PublicName.XUC_HOST || k === PublicName.UC_ADDON_HOST)),
      ...options.publicNames,
    },
    environment: current?.release
      ? { release: String(current.release), dist: String(current.dist ?? 'latest'), registry: current.registry }
      : undefined,
  });

  // Secrets: equal everywhere their Terraform variable is used (this server, and those the file lists).
  const secrets = [...discovery.secrets];
  const findings: Finding[] = [...discovery.findings];
  for (const other of current?.servers ?? []) {
    if (other.name === options.server) continue;
    const adoptedNames = Object.values(current?.services ?? {}).flatMap((s) => (s?.adoptContainer?.name ? [s.adoptContainer.name] : []));
    const theirTls = other.docker?.tls;
    const tls = theirTls && {
      caFile: path.resolve(dir, theirTls.caFile),
      certFile: path.resolve(dir, theirTls.certFile),
      keyFile: path.resolve(dir, theirTls.keyFile),
    };
    try {
      const theirs = await read(
        other.name,
        { host: other.docker.host, sshOpts: other.docker.sshOpts, tls, dialCommand: options.dialCommand },
        other.roles ?? [],
      );
      secrets.push(...secretsOnHost(theirs, other.name, other.roles ?? [], adoptedNames));
    } catch (e) {
      findings.push({
        level: 'warning',
        subject: `server "${other.name}"`,
        text: `its secrets were not compared with this server's: ${(e as Error).message}`,
      });
    }
  }
  checkSecretsAgree(secrets);

  // The file: written only once the loader accepts it; what the rules refuse is left out, and said.
  const server: ServerEntry = {
    name: options.server,
    address,
    fqdn: options.fqdn,
    docker: {
      host: options.docker.host,
      sshOpts: options.docker.sshOpts,
      tls: options.docker.tls && {
        caFile: path.relative(dir, path.resolve(options.docker.tls.caFile)),
        certFile: path.relative(dir, path.resolve(options.docker.tls.certFile)),
        keyFile: path.relative(dir, path.resolve(options.docker.tls.keyFile)),
      },
    },
    roles: options.roles,
  };
  const { text, notes, loaded } = writeValidated(file, existing, environment, server, discovery);
  findings.push(...notes);
  findings.push(...firstReplacementChanges(loaded, discovery, (id) => snapshot.images[id]?.Config?.Env ?? []));

  const report = path.resolve(options.report ?? `${file.replace(/\.ya?ml$/, '')}.${options.server}.catalogue-report.md`);
  const reported = { ...discovery, findings };
  fs.writeFileSync(report, catalogueReport(environment, [reported]));
  atomicWrite(file, text);
  const summary = summaryOf(reported, environment, path.relative(process.cwd(), file), path.relative(process.cwd(), report));
  return { discovery: reported, file, report, environment: loaded, findings, summary };
}

function atomicWrite(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.discover-${process.pid}`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Renders the file and loads it as synth would. Env keys, JVM options and mounts the rules refuse
 * are left out (a mount of a system path is kept with allowSystemPath, as it runs today), each
 * with the rule's message as a finding; any other issue is a refusal (nothing written).
 */
function writeValidated(
  file: string,
  existing: string | undefined,
  environment: string,
  server: ServerEntry,
  discovery: ServerDiscovery,
): { text: string; notes: Finding[]; loaded: Environment } {
  const notes: Finding[] = [];
  const tmp = path.join(path.dirname(file), `.${path.basename(file, path.extname(file))}.discover-check-${process.pid}.yaml`);
  try {
    for (let round = 0; round < 8; round++) {
      const schema = path.relative(path.dirname(file), path.resolve('schema', 'environment.schema.json'));
      const { text, notes: fileNotes } = environmentFileText({ existing, environment, server, discovery, schema });
      fs.writeFileSync(tmp, text);
      const result = loadEnvironmentFile(tmp);
      if (result.environment)
        return { text, notes: [...fileNotes, ...notes], loaded: { ...result.environment, file: path.relative(process.cwd(), file) } };
      const unfixed = leaveOut(discovery, result.issues, notes);
      if (unfixed.length)
        throw new DiscoverError(REFUSALS.refusedResult(unfixed.map((i) => formatIssue({ ...i, file: path.relative(process.cwd(), file) }))));
    }
    throw new DiscoverError(REFUSALS.refusedResult(['the loader kept refusing after 8 corrections']));
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Leaves out of the discovered overrides what the issues point at, when that is safe: env keys,
 * mounts (a system path is kept, allowed), JVM options. Returns the issues it cannot fix.
 */
function leaveOut(discovery: ServerDiscovery, issues: readonly ConfigIssue[], notes: Finding[]): ConfigIssue[] {
  const unfixed: ConfigIssue[] = [];
  const mounts = new Map<string, { id: string; index: number; messages: string[] }>();
  const options = new Map<number, string[]>();
  for (const issue of issues) {
    const [section, id, key, name] = issue.path;
    const override = section === 'services' && typeof id === 'string' ? discovery.services[id as keyof typeof discovery.services] : undefined;
    if (override && key === 'env' && typeof name === 'string' && override.env?.[name] !== undefined) {
      delete override.env[name];
      if (!Object.keys(override.env).length) delete override.env;
      notes.push({
        level: 'warning',
        subject: id as string,
        text: `${name} is not written (${issue.message}); the running container keeps it until a replacement`,
      });
    } else if (override && key === 'volumes' && typeof name === 'number' && override.volumes?.[name]) {
      const entry = mounts.get(`${id} ${name}`) ?? { id: id as string, index: name, messages: [] };
      entry.messages.push(issue.message);
      mounts.set(`${id} ${name}`, entry);
    } else if (
      section === 'auth' &&
      id === 'jvm' &&
      key === 'extraOptions' &&
      typeof name === 'number' &&
      discovery.auth.jvm?.extraOptions?.[name] !== undefined
    ) {
      options.set(name, [...(options.get(name) ?? []), issue.message]);
    } else {
      unfixed.push(issue);
    }
  }
  // Removals last, highest index first: every index still names the entry its issue was about.
  for (const { id, index, messages } of [...mounts.values()].sort((a, b) => b.index - a.index)) {
    const override = discovery.services[id as keyof typeof discovery.services]!;
    const mount = override.volumes![index];
    if (mount.hostPath && !mount.allowSystemPath && messages.every((m) => m.startsWith(`"${mount.hostPath}" is a system path`))) {
      mount.allowSystemPath = true;
      notes.push({
        level: 'warning',
        subject: id,
        text: `mount of the system path ${mount.hostPath} kept as found (allowSystemPath: true; synth warns about it)`,
      });
      continue;
    }
    override.volumes!.splice(index, 1);
    if (!override.volumes!.length) delete override.volumes;
    notes.push({
      level: 'warning',
      subject: id,
      text: `mount of ${mount.hostPath ?? `volume ${mount.volume}`} at ${mount.containerPath} is not written (${messages.join('; ')}); a replacement does not have it`,
    });
  }
  for (const [index, messages] of [...options.entries()].sort((a, b) => b[0] - a[0])) {
    const option = discovery.auth.jvm!.extraOptions!.splice(index, 1)[0];
    if (!discovery.auth.jvm!.extraOptions!.length) delete discovery.auth.jvm!.extraOptions;
    notes.push({
      level: 'warning',
      subject: 'auth.jvm',
      text: `${option.replace(/=.*/, '=…')} is not written (${messages.join('; ')}); xuc keeps it until a replacement`,
    });
  }
  return unfixed;
}

function summaryOf(d: ServerDiscovery, environment: string, file: string, report: string): string {
  const checks = checkFacts([d]);
  const count = (v: string) => checks.filter((c) => c.verdict === v).length;
  const disabled = Object.values(d.services).filter((s) => s?.enabled === false).length;
  const variables = [...new Set(d.secrets.filter((s) => s.variable).map((s) => s.variable!))].sort();
  const uncarried = [...new Set(d.secrets.filter((s) => !s.variable).map((s) => s.name))].sort();
  const lines = [
    `discover: server "${d.server}" (${d.roles.join(', ')}) at ${d.host}: XiVO ${d.release.version}, dist ${d.release.dist} (${d.release.source})` +
      (d.release.assumedFrom ? `, newer than every LTS this project knows: assumed as ${d.release.assumedFrom}` : ''),
    `  ${d.adopted.length} containers adopted (${d.adopted.map((a) => a.name).join(', ') || 'none'}), ${d.leftAlone.length} left alone${d.leftAlone.length ? ` (${d.leftAlone.map((l) => l.name).join(', ')})` : ''}, ` +
      `${disabled} optional services disabled, ${d.created.length} to create`,
    `  secrets (values never written): ${variables.length ? `export ${variables.join(', ')} with the values the host holds` : 'none carried'}${uncarried.length ? `; not carried by this project: ${uncarried.join(', ')}` : ''}`,
    `  catalogue: ${checks.length} inferred facts, ${count('matches')} match, ${count('differs')} differ, ${count('absent')} absent: ${report}`,
    `  wrote ${file}; next: npm run synth, npm run impact (adoption only, no restart), then npx cdktf deploy '${environment}-*'`,
    ...d.findings.filter((f) => f.level === 'warning').map((f) => `  warning: ${f.subject}: ${f.text}`),
  ];
  return lines.join('\n');
}
