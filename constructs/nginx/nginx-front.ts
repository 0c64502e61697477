/**
 * NginxFront: the HTTPS entry of every XiVO CC / UC-Addon application on `https://XUC_HOST/...`
 * (seed 000 path table), whichever server runs each service: same server → container alias,
 * other server → its address and published port (config/endpoints.ts). HTTP redirects to HTTPS.
 */
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { PublicName, Role } from '../../catalogue/types';
import { Environment, ServerModel } from '../../config/model';
import { publishedPort } from '../../config/resolve';
import { ServiceFactoryProps } from '../../stacks/service-factories';
import { certificateFor } from '../tls/certificate-for';
import { certificateNames, tlsOf } from '../tls/tls-options';
import { NginxLocation, NginxSite, NginxUpstream } from './nginx-config';
import { NGINX_SSL_DIR, NginxService } from './nginx-service';
import { extraRoutes, ResolvedRoute, resolveRoutes } from './routes';

/** Seed 000: the front's certificate files on the host. */
export const FRONT_SSL_HOST_DIR = '/etc/docker/nginx/ssl';
export const FRONT_FILE_BASE = 'xivoxc';

/** Idle timeout of the CTI WebSocket on the front. */
export const FRONT_WEBSOCKET_TIMEOUT_SECONDS = 3600;

export type FrontRole = Role.CC | Role.UC_ADDON;

/** Addresses that, seen from a container, are the container itself. */
const LOOPBACK = /^(127\.|localhost$|::1$)/;

/** Public name of the front of a role (XUC_HOST of XiVO CC or of the UC-Addon). */
export function frontName(env: Environment, role: FrontRole): string {
  const name = env.publicNames[role === Role.CC ? PublicName.XUC_HOST : PublicName.UC_ADDON_HOST];
  if (!name) throw new Error(`publicNames.${role === Role.CC ? 'xucHost' : 'ucAddonHost'} is required for the ${role} front`);
  return name;
}

/** The front's routes from its server, with one upstream per distinct address. */
export function frontSite(env: Environment, server: ServerModel, role: FrontRole): { site: NginxSite; routes: ResolvedRoute[] } {
  const tls = tlsOf(env);
  const routes = resolveRoutes(env, server, role, extraRoutes(tls.routes), tls.sipWebSocket);
  const upstreams = new Map<string, NginxUpstream>();
  const locations: NginxLocation[] = routes.map((r) => {
    const name = `up_${r.endpoint.host}_${r.endpoint.port}`.replace(/[^A-Za-z0-9_-]/g, '_');
    upstreams.set(name, { name, host: r.endpoint.host, port: r.endpoint.port });
    return { path: r.path, upstream: name, websocket: r.websocket, zone: r.edgeZone, upstreamPath: r.upstreamPath };
  });
  const site: NginxSite = {
    serverName: frontName(env, role),
    httpsPort: publishedPort(env.spec, `${role}.nginx`, 'https') ?? 443,
    certificateFile: `${NGINX_SSL_DIR}/${FRONT_FILE_BASE}.crt`,
    keyFile: `${NGINX_SSL_DIR}/${FRONT_FILE_BASE}.key`,
    upstreams: [...upstreams.values()],
    locations,
    websocketTimeoutSeconds: FRONT_WEBSOCKET_TIMEOUT_SECONDS,
  };
  return { site, routes };
}

/** Routes to a host package (Asterisk) at a loopback address reach the nginx container itself. */
export function loopbackWarning(routes: readonly ResolvedRoute[]): string {
  const [first] = routes;
  return `${routes.map((r) => r.path).join(', ')} lead${routes.length === 1 ? 's' : ''} to Asterisk at ${first.endpoint.host}:${first.endpoint.port}, a loopback address: inside the nginx container it is the container itself; give the server its LAN address, or set tls.sipWebSocket.enabled: false`;
}

export class NginxFront extends Construct {
  readonly nginx: NginxService;
  readonly routes: readonly ResolvedRoute[];

  constructor(scope: Construct, id: string, props: ServiceFactoryProps) {
    super(scope, id);
    const { environment: env, server, definition } = props;
    if (definition.role !== Role.CC && definition.role !== Role.UC_ADDON) {
      throw new Error(`${this.node.path}: NginxFront serves the cc or ucaddon role, not ${definition.role}`);
    }
    const { site, routes } = frontSite(env, server, definition.role);
    this.routes = routes;
    const unreachable = routes.filter((r) => !r.serviceId && LOOPBACK.test(r.endpoint.host));
    if (unreachable.length) {
      Annotations.of(this).addWarning(loopbackWarning(unreachable));
    }
    const tls = tlsOf(env);
    const material = certificateFor(this, 'certificate', env, {
      names: certificateNames(site.serverName, [server.fqdn, ...tls.extraNames]),
      provided: tls.provided,
    });
    if (!material) throw new Error(`${this.node.path}: tls.provided is required in mode provided`);
    this.nginx = new NginxService(this, 'nginx', { ...props, site, tls: material, sslHostDir: FRONT_SSL_HOST_DIR, fileBaseName: FRONT_FILE_BASE });
  }
}
