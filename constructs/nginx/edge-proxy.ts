/**
 * EdgeProxy: nginx in a DMZ in front of the XiVO CC (or UC-Addon) front (seed 003, XiVO Edge
 * reference §2.5). Users open its public name; it forwards the front's paths over HTTPS with the
 * front's own name, rewrites every internal name and address out of redirects, cookies and text
 * bodies, sends no server version, and applies XiVO Edge's per-route rate limits.
 */
import { Construct } from 'constructs';
import { Role } from '../../catalogue/types';
import { endpoint } from '../../config/endpoints';
import { Environment, ServerModel } from '../../config/model';
import { EdgeSpec, edgeSchema } from '../../config/schema-tls';
import { ServiceFactoryProps } from '../../stacks/service-factories';
import { certificateFor } from '../tls/certificate-for';
import { NginxSite } from './nginx-config';
import { NGINX_SSL_DIR, NginxService, UPSTREAM_TRUST_FILE } from './nginx-service';
import { InternalCa } from '../tls/internal-ca';
import { tlsOf } from '../tls/tls-options';
import { planTimePemBundle } from '../tls/provided-certificate';
import { FrontRole, frontName, frontSite } from './nginx-front';

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

/** Every internal name and address a browser must never see. */
export function internalNames(env: Environment): string[] {
  const names = [
    ...Object.values(env.publicNames).filter((n): n is string => typeof n === 'string'),
    ...env.servers.flatMap((s) => [s.address, s.fqdn ?? '']),
  ].filter((n) => n && !/^\d+$/.test(n));
  return [...new Set(names)].sort();
}

export function edgeSpecOf(env: Environment): EdgeSpec {
  if (!env.spec.edge) throw new Error(`environment ${env.name}: an edge server needs the edge section (edge.publicName)`);
  return edgeSchema.parse(env.spec.edge);
}

export function edgeSite(env: Environment, server: ServerModel): NginxSite {
  const edge = edgeSpecOf(env);
  const target = edgeTarget(env);
  const front = target && endpoint(env, server, `${target.role}.nginx`, 'https');
  if (!target || !front) throw new Error(`environment ${env.name}: the edge proxy needs a cc or ucaddon front (cc.nginx or ucaddon.nginx) to forward to`);
  const { site: inner } = frontSite(env, target.server, target.role);
  const upstreamHost = frontName(env, target.role);
  return {
    serverName: edge.publicName,
    httpsPort: 443,
    certificateFile: `${NGINX_SSL_DIR}/${EDGE_FILE_BASE}.crt`,
    keyFile: `${NGINX_SSL_DIR}/${EDGE_FILE_BASE}.key`,
    upstreams: [{ name: FRONT_UPSTREAM, host: front.host, port: front.port, tls: true }],
    locations: inner.locations.map((l) => ({ ...l, upstream: FRONT_UPSTREAM })),
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

export class EdgeProxy extends Construct {
  readonly nginx: NginxService;

  constructor(scope: Construct, id: string, props: ServiceFactoryProps) {
    super(scope, id);
    const { environment: env, server } = props;
    const site = edgeSite(env, server);
    const edge = edgeSpecOf(env);
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
