/**
 * Every network flow of an environment, between servers and from outside, derived from the model
 * that places services and wires them, so the firewall matrix is never out of date:
 * - the routes of each nginx front to services on other servers (config/endpoints.ts decides
 *   alias or address), and the edge proxy to its front;
 * - catalogue env sources that point at a service on another server (`DB_HOST`…);
 * - the host-package flows of the XDS (catalogue/platform-flows.ts): AMI, PostgreSQL, SIP, RTP;
 * - browsers to the edge and the fronts, and the deploy machine to each Docker API.
 * Flows inside one server (over its Docker network) are not listed: no firewall sees them.
 */
import { PLATFORM_FLOWS } from '../catalogue/platform-flows';
import { isServiceId, Role, ServiceId } from '../catalogue/types';
import { containerName, serviceDefinition } from '../catalogue/services';
import { endpoint } from '../config/endpoints';
import { Environment, ServerModel } from '../config/model';
import { publishedPort } from '../config/resolve';
import { edgeTarget } from '../config/fronts';
import { resolveRoutes } from '../config/front-routes';
import { proxyJumps } from '../config/ssh-options';

/** One side of a flow: a server (optionally one of its containers), or an actor outside the estate. */
export interface FlowEnd {
  readonly server?: ServerModel;
  /** Container name on that server; undefined: the host itself (XiVO packages, Docker API). */
  readonly container?: string;
  /** Who is outside the estate (`browsers (internet)`); set when `server` is not. */
  readonly actor?: string;
  /** Address of an actor that has one (a jump host). @default any */
  readonly address?: string;
}

export interface Flow {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  /** Port or range. */
  readonly port: string;
  readonly protocol: 'tcp' | 'udp';
  /** What uses it, one entry per user (`nginx → spagobi /SpagoBI`). */
  readonly uses: readonly string[];
}

export const INTERNET_BROWSERS = 'browsers (internet)';
export const LAN_BROWSERS = 'browsers (LAN)';
export const DEPLOY_MACHINE = 'deploy machine (terraform)';
/** How every deployment flow's use starts (to a Docker API, or to a jump host on the way). */
export const DEPLOYMENT_USE = 'terraform → ';

const nameOf = (end: FlowEnd) => end.server?.name ?? end.actor ?? '';

/**
 * Docker API port of a server: tcp:// (given or 2376); ssh:// (given in the URL, else `-p` or
 * `-o Port` of sshOpts, else 22); unix:// is local only.
 */
function dockerApiPort(server: ServerModel): string | undefined {
  const match = /^(ssh|tcp):\/\/(?:[^@/]+@)?(?:\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(server.docker.host);
  if (!match) return undefined;
  if (match[1] === 'tcp') return match[2] ?? '2376';
  return match[2] ?? sshPortOption(server.docker.sshOpts ?? []) ?? '22';
}

/** `-p 2222`, `-p2222`, `-o Port=2222` of an sshOpts list (the first one: ssh uses the first value it reads). */
function sshPortOption(options: readonly string[]): string | undefined {
  for (let i = 0; i < options.length; i++) {
    const item = options[i];
    if (item === '-p') return options[i + 1];
    if (/^-p\d+$/.test(item)) return item.slice(2);
    const option = item === '-o' ? options[i + 1] : item.startsWith('-o') ? item.slice(2) : undefined;
    const port = option && /^port(?:\s*=\s*|\s+)(\d+)$/i.exec(option.trim());
    if (port) return port[1];
  }
  return undefined;
}

/** `[user@]host[:port]` of ProxyJump: the host and its ssh port. */
function jumpHost(jump: string): { host: string; port: string } {
  const match = /^(?:[^@]+@)?([^:]+)(?::(\d+))?$/.exec(jump);
  return { host: match?.[1] ?? jump, port: match?.[2] ?? '22' };
}

/** A jump host is a server of the estate when it names one (address, fqdn or name), else a host outside it. */
function jumpEnd(env: Environment, host: string): FlowEnd {
  const h = host.toLowerCase();
  const server = env.servers.find((s) => [s.address, s.fqdn, s.name].some((n) => n?.toLowerCase() === h));
  return server ? { server } : { actor: `jump host ${host}`, address: host };
}

function serviceEnd(env: Environment, id: ServiceId): FlowEnd | undefined {
  const server = env.placement.get(id);
  return server ? { server, container: containerName(serviceDefinition(id)) } : undefined;
}

export function environmentFlows(env: Environment): Flow[] {
  const flows: Flow[] = [];
  const add = (from: FlowEnd, to: FlowEnd, port: string | number, protocol: 'tcp' | 'udp', use: string) => {
    if (from.server && from.server === to.server) return;
    flows.push({ from, to, port: String(port), protocol, uses: [use] });
  };

  // Browsers and the edge.
  const edge = env.servers.find((s) => s.roles.includes(Role.EDGE));
  const target = edgeTarget(env);
  if (edge && target) {
    const edgeNginx = { server: edge, container: containerName(serviceDefinition('edge.nginx')) };
    add({ actor: INTERNET_BROWSERS }, edgeNginx, 443, 'tcp', 'browsers → edge nginx (HTTPS, every web app)');
    add({ actor: INTERNET_BROWSERS }, edgeNginx, 80, 'tcp', 'browsers → edge nginx (redirect to HTTPS)');
    const front = endpoint(env, edge, `${target.role}.nginx`, 'https');
    if (front) add(edgeNginx, serviceEnd(env, `${target.role}.nginx`)!, front.port, 'tcp', `edge nginx → ${target.role} nginx (HTTPS)`);
  }
  for (const role of [Role.CC, Role.UC_ADDON] as const) {
    const nginx = serviceEnd(env, `${role}.nginx`);
    if (!nginx) continue;
    add({ actor: LAN_BROWSERS }, nginx, publishedPort(env.overrides, `${role}.nginx`, 'https') ?? 443, 'tcp', `browsers → ${role} nginx (HTTPS)`);
    add(
      { actor: LAN_BROWSERS },
      nginx,
      publishedPort(env.overrides, `${role}.nginx`, 'http') ?? 80,
      'tcp',
      `browsers → ${role} nginx (redirect to HTTPS)`,
    );
    // Routes of the front to services on other servers.
    const routes = resolveRoutes(env, nginx.server!, role).filter((r) => !r.endpoint.local);
    const byTarget = new Map<string, typeof routes>();
    for (const r of routes) byTarget.set(`${r.targetName} ${r.endpoint.port}`, [...(byTarget.get(`${r.targetName} ${r.endpoint.port}`) ?? []), r]);
    for (const group of byTarget.values()) {
      const { serviceId, targetName, endpoint: at } = group[0];
      const paths = group.map((r) => r.path).join(' ');
      if (serviceId) {
        const to = serviceEnd(env, serviceId);
        if (to) add(nginx, to, at.port, 'tcp', `nginx → ${serviceDefinition(serviceId).name} ${paths}`);
      } else {
        // A host package (Asterisk of the PBX or of an MDS): `asterisk@<server>`.
        const [what, serverName] = targetName.split('@');
        const host = env.servers.find((s) => s.name === serverName);
        if (host) add(nginx, { server: host }, at.port, 'tcp', `nginx → ${what} ${paths} (SIP over WebSocket)`);
      }
    }
  }

  // Catalogue env sources pointing at another server, one use per client and target.
  for (const server of env.servers) {
    for (const def of server.services) {
      const variables = new Map<ServiceId, string[]>();
      for (const [variable, source] of Object.entries(def.env)) {
        if (source.kind === 'endpoint') variables.set(source.service, [...(variables.get(source.service) ?? []), variable]);
      }
      for (const [target, names] of variables) {
        const at = endpoint(env, server, target, (def.env[names[0]] as { port?: string }).port);
        const to = serviceEnd(env, target);
        if (at && !at.local && to)
          add({ server, container: containerName(def) }, to, at.port, 'tcp', `${def.name} → ${serviceDefinition(target).name} (${names.join(', ')})`);
      }
    }
  }

  // Host packages of the XDS.
  for (const flow of PLATFORM_FLOWS) {
    const client = flow.from;
    const sources: FlowEnd[] = isServiceId(client)
      ? [serviceEnd(env, client)].filter((e): e is FlowEnd => !!e)
      : env.servers.filter((s) => s.roles.includes(client)).map((server) => ({ server }));
    const use = flow.confidence === 'inferred' ? `${flow.use} [inferred]` : flow.use;
    for (const from of sources) {
      for (const server of env.servers.filter((s) => s.roles.includes(flow.to))) add(from, { server }, flow.port, flow.protocol, use);
    }
  }

  // Deployment: Terraform talks to each Docker API; over ssh with ProxyJump, through each jump
  // host in turn (the deploy machine reaches only the first, the last one reaches the server).
  for (const server of env.servers) {
    const port = dockerApiPort(server);
    if (!port) continue;
    const scheme = server.docker.host.split(':')[0];
    const jumps = scheme === 'ssh' ? proxyJumps(server.docker.sshOpts ?? []) : [];
    let from: FlowEnd = { actor: DEPLOY_MACHINE };
    for (const jump of jumps) {
      const { host, port: jumpPort } = jumpHost(jump);
      const to = jumpEnd(env, host);
      add(from, to, jumpPort, 'tcp', `${DEPLOYMENT_USE}ssh jump host ${host} (ProxyJump)`);
      from = to;
    }
    add(
      from,
      { server },
      port,
      'tcp',
      `${DEPLOYMENT_USE}Docker API (${scheme}${jumps.length ? `, through ${jumps.map((j) => jumpHost(j).host).join(', ')}` : ''})`,
    );
  }
  return merge(flows);
}

/** One flow per (source, destination, port, protocol), uses joined, in a stable order. */
function merge(flows: Flow[]): Flow[] {
  const byKey = new Map<string, Flow>();
  for (const f of flows) {
    const key = [nameOf(f.from), f.from.container ?? '', nameOf(f.to), f.to.container ?? '', f.port, f.protocol].join('|');
    const prior = byKey.get(key);
    byKey.set(key, prior ? { ...prior, uses: [...new Set([...prior.uses, ...f.uses])] } : f);
  }
  return [...byKey.values()];
}
