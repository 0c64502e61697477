/**
 * EdgeProxy: nginx in a DMZ in front of the XiVO CC (or UC-Addon) front (seed 003, XiVO Edge
 * reference §2.5). Users open its public name; it forwards the front's paths over HTTPS with the
 * front's own name, rewrites every internal name and address out of redirects, cookies and text
 * bodies, sends no server version, and applies XiVO Edge's per-route rate limits.
 */
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { DATA_STORES } from '../../catalogue/routes';
import { containerName } from '../../catalogue/services';
import { Role } from '../../catalogue/types';
import { endpoint } from '../../config/endpoints';
import { Environment, ServerModel } from '../../config/model';
import { EdgeSpec, edgeSchema } from '../../config/schema-tls';
import { ServiceFactoryProps } from '../../stacks/service-factories';
import { certificateFor } from '../tls/certificate-for';
import { NginxLocation, NginxSite } from './nginx-config';
import { NGINX_SSL_DIR, NginxService, UPSTREAM_TRUST_FILE } from './nginx-service';
import { InternalCa } from '../tls/internal-ca';
import { tlsOf } from '../tls/tls-options';
import { planTimePemBundle } from '../tls/provided-certificate';
import { FrontRole, frontName, frontSite } from './nginx-front';
import { ResolvedRoute } from './routes';

export const EDGE_SSL_HOST_DIR = '/etc/docker/edge/nginx/ssl';
export const EDGE_FILE_BASE = 'edge';
const FRONT_UPSTREAM = 'front';

/** The front the edge forwards to: XiVO CC when deployed, else the UC-Addon. */
export function edgeTarget(env: Environment): { role: FrontRole; server: ServerModel } | undefined {
  for (const role of [Role.CC, Role.UC_ADDON] as const) {
    const server = env.placement.get(`${role}.nginx`);
    if (server) return { role, server };
  }
  return undefined;
}

/** Host of `ldap://host:port` or `host:port` (KDC list), without the port. */
const hostOf = (hostPort: string) => hostPort.replace(/^[a-z]+:\/\//i, '').replace(/[:/].*$/, '');

/**
 * Every internal name and address a browser must never see: public names, servers' addresses
 * and FQDNs, container names (the network aliases), the servers' Docker networks, and the
 * directory and Kerberos servers of the auth section.
 */
export function internalNames(env: Environment): string[] {
  const auth = env.spec.auth;
  const names = [
    ...Object.values(env.publicNames).filter((n): n is string => typeof n === 'string'),
    ...env.servers.flatMap((s) => [s.address, s.fqdn ?? '', s.stackName, ...s.services.map(containerName)]),
    ...(auth?.ldap ? [hostOf(auth.ldap.url)] : []),
    ...(auth?.kerberos ? [...auth.kerberos.kdc, auth.kerberos.adminServer].map(hostOf) : []),
  ].filter((n) => n && !/^\d+$/.test(n));
  return [...new Set(names)].sort();
}

export function edgeSpecOf(env: Environment): EdgeSpec {
  if (!env.spec.edge) throw new Error(`environment ${env.name}: an edge server needs the edge section (edge.publicName)`);
  return edgeSchema.parse(env.spec.edge);
}

/** The edge's site, and the front's routes it was derived from (resolved once). */
function edgeSite(env: Environment, server: ServerModel): { site: NginxSite; frontRoutes: readonly ResolvedRoute[] } {
  const edge = edgeSpecOf(env);
  const target = edgeTarget(env);
  const front = target && endpoint(env, server, `${target.role}.nginx`, 'https');
  if (!target || !front) throw new Error(`environment ${env.name}: the edge proxy needs a cc or ucaddon front (cc.nginx or ucaddon.nginx) to forward to`);
  const { site: inner, routes: frontRoutes } = frontSite(env, target.server, target.role);
  const upstreamHost = frontName(env, target.role);
  const site: NginxSite = {
    serverName: edge.publicName,
    httpsPort: 443,
    certificateFile: `${NGINX_SSL_DIR}/${EDGE_FILE_BASE}.crt`,
    keyFile: `${NGINX_SSL_DIR}/${EDGE_FILE_BASE}.key`,
    upstreams: [{ name: FRONT_UPSTREAM, host: front.host, port: front.port, tls: true }],
    locations: edgeLocations(inner.locations),
    websocketTimeoutSeconds: edge.websocketTimeoutSeconds,
    edge: {
      upstreamHost,
      hiddenNames: internalNames(env).filter((n) => n !== edge.publicName),
      rateLimits: edge.rateLimits,
      exemptNetworks: edge.exemptNetworks,
      clientMaxBodySize: edge.clientMaxBodySize,
      timeoutSeconds: edge.timeoutSeconds,
      upstreamTrustFile: verifiesFront(env) ? `${NGINX_SSL_DIR}/${UPSTREAM_TRUST_FILE}` : undefined,
    },
  };
  return { site, frontRoutes };
}

/**
 * The allow-list: only routes with an edge zone, forwarded unchanged to the front. An internal
 * path that a published prefix would match (`/configmgt` under `/config`) gets its own
 * location answering 404: nginx picks the longest prefix, so it never reaches the front.
 */
export function edgeLocations(front: readonly NginxLocation[]): NginxLocation[] {
  const published = front.filter((l) => l.zone).map((l) => ({ ...l, upstream: FRONT_UPSTREAM, upstreamPath: undefined }));
  const shadowed = front
    .filter((l) => !l.zone && published.some((p) => l.path.startsWith(p.path)))
    .map((l) => ({ path: l.path, upstream: FRONT_UPSTREAM, websocket: false, deny: true }));
  return [...published, ...shadowed];
}

/**
 * The edge verifies the front with the internal CA, or in mode provided with the front's own
 * chain files (the rules require them to reach the root). A self-signed front is not verified.
 */
function verifiesFront(env: Environment): boolean {
  const tls = tlsOf(env);
  return tls.mode === 'internal-ca' || (tls.mode === 'provided' && !!tls.provided?.chainFiles.length);
}

function frontTrust(scope: Construct, env: Environment): string | undefined {
  const tls = tlsOf(env);
  if (!verifiesFront(env)) return undefined;
  return tls.mode === 'internal-ca' ? InternalCa.of(scope, env).certPem : planTimePemBundle(scope, env.directory, tls.provided!.chainFiles);
}

/** Routes published on the edge whose target is a data store (the synth warns about each). */
function publishedDataStores(frontRoutes: readonly ResolvedRoute[]): ResolvedRoute[] {
  return frontRoutes.filter((r) => r.edgeZone && r.serviceId && DATA_STORES.has(r.serviceId));
}

export class EdgeProxy extends Construct {
  readonly nginx: NginxService;

  constructor(scope: Construct, id: string, props: ServiceFactoryProps) {
    super(scope, id);
    const { environment: env, server } = props;
    const { site, frontRoutes } = edgeSite(env, server);
    const edge = edgeSpecOf(env);
    if (!edge.rateLimits) {
      Annotations.of(this).addWarning(`edge.rateLimits is false: the routes published on ${edge.publicName} (login, CTI and SIP WebSockets among them) have no rate limit; XiVO Edge always limits them`);
    }
    for (const route of publishedDataStores(frontRoutes)) {
      Annotations.of(this).addWarning(
        `tls.routes publishes ${route.path} on the edge, and it leads to ${route.serviceId}, a data store: the Internet reaches it through ${edge.publicName}; remove "edge: true" unless this is intended`,
      );
    }
    // Only the public name: an internal name in the certificate would leak it.
    const material = certificateFor(this, 'certificate', env, { names: [edge.publicName], provided: edge.provided });
    if (!material) throw new Error(`${this.node.path}: edge.provided is required in mode provided`);
    this.nginx = new NginxService(this, 'nginx', {
      ...props,
      site,
      tls: material,
      sslHostDir: EDGE_SSL_HOST_DIR,
      fileBaseName: EDGE_FILE_BASE,
      upstreamTrustPem: frontTrust(this, env),
    });
  }
}
