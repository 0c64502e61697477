/**
 * The route table of a front (catalogue/routes.ts) resolved on a platform: which paths exist, and
 * where each leads from the front's server. Plain functions (no cdktf): NginxFront resolves its
 * routes on the XivoPlatform at synth, the config layer on the environment model (the firewall
 * matrix); both by this one rule, and both refuse a bad route with the same words.
 */
import { ASTERISK_WEBSOCKET, RouteDefinition, ROUTES, SERVER_PLACEHOLDER } from '../../catalogue/routes';
import { FrontRole, Role, ServiceDefinition, ServiceId } from '../../catalogue/types';
import { Endpoint } from '../platform-rules';
import { FrontRoute } from './routes';

/** A route path nginx takes as written in a `location` line: "/" then letters, digits and `. _ ~ / -`. */
export const ROUTE_PATH = /^\/[A-Za-z0-9._~/-]*$/;

/** Where SIP over WebSocket ends on the PBX and each MDS (Asterisk's HTTP server). */
export interface SipWebSocket {
  readonly port: number;
  readonly path: string;
}

/** Asterisk's WebSocket as XiVO configures it (catalogue ASTERISK_WEBSOCKET). */
export const DEFAULT_SIP_WEBSOCKET: SipWebSocket = { port: ASTERISK_WEBSOCKET.port, path: ASTERISK_WEBSOCKET.path };

/** What resolving a route needs to know of the platform, from the front's server. */
export interface RouteContext {
  /** Where a port of a service is reached from the front's server. @returns undefined when nothing serves it */
  endpoint(service: ServiceId, port?: string): Endpoint | undefined;
  /** Name and address of the servers of a role (the Asterisk of the PBX and of each MDS). */
  serversWithRole(role: Role.XIVO | Role.MDS): readonly { readonly name: string; readonly address: string }[];
}

/** Full service id of a route target for a front of `role` (`xuc` → `cc.xuc`). */
export function routeServiceId(service: string, role: Role): ServiceId {
  return (service.includes('.') ? service : `${role}.${service}`) as ServiceId;
}

/**
 * One route definition resolved for the front of `role`: none when its target is not deployed
 * (nor served by XiVO), when it belongs to the other front's product, or for the SIP routes
 * without a SIP WebSocket.
 * @param sip where SIP over WebSocket ends; undefined: no /wssip routes
 */
export function resolveRoute(
  ctx: RouteContext,
  role: FrontRole,
  route: RouteDefinition,
  extra: boolean,
  sip: SipWebSocket | undefined,
): FrontRoute[] {
  const common = { websocket: !!route.websocket, edgeZone: route.edgeZone, extra };
  if (route.target.kind === 'asterisk') {
    if (!sip) return [];
    return ctx.serversWithRole(route.target.role).map((target) => ({
      ...common,
      path: route.path.replace(SERVER_PLACEHOLDER, target.name),
      targetName: `asterisk@${target.name}`,
      endpoint: { host: target.address, port: sip.port, local: false },
      upstreamPath: sip.path,
    }));
  }
  const serviceId = routeServiceId(route.target.service, role);
  // CC services are not routed by the UC-Addon front (and vice versa); XiVO ones by both.
  const targetRole = serviceId.split('.')[0];
  if ((targetRole === Role.CC || targetRole === Role.UC_ADDON) && targetRole !== role) return [];
  const at = ctx.endpoint(serviceId, route.target.port);
  return at ? [{ ...common, path: route.path, targetName: serviceId, serviceId, endpoint: at }] : [];
}

/**
 * The standard routes of the front of `role` (the catalogue's table), sorted by path: every route
 * whose target is deployed somewhere on the platform; the others are left out, never pointed at
 * nothing. A front routes services of its own product and of the XiVO PBX, and the Asterisk of
 * the PBX and of each MDS.
 */
export function standardRoutes(ctx: RouteContext, role: FrontRole, sip: SipWebSocket | undefined): FrontRoute[] {
  return ROUTES.flatMap((route) => resolveRoute(ctx, role, route, false, sip)).sort((a, b) => a.path.localeCompare(b.path));
}

/** Paths of the standard routes that do not depend on the servers (every one but `/wssip-<mds>`). */
export const STANDARD_PATHS: ReadonlySet<string> = new Set(ROUTES.filter((r) => !r.path.includes(SERVER_PLACEHOLDER)).map((r) => r.path));

/** The words both layers use to refuse a route. */
export const ROUTE_MESSAGES = {
  path: (path: string) =>
    `"${path}" must be a URL path starting with "/" of letters, digits and . _ ~ / - (nginx reads it as written), e.g. "/myapp"`,
  builtIn: (path: string) => `"${path}" is already a built-in route of the front: two routes cannot share a path; choose another path`,
  portOf: (port: string, def: ServiceDefinition) =>
    `"${port}" is not a port of ${def.id}: use one of ${def.ports.map((p) => p.name).join(', ') || '(it has none)'}`,
  noPort: (def: ServiceDefinition) => `${def.id} listens on no port: a route cannot lead to it`,
} as const;

/** Why a route to `def` on `port` cannot be served, or undefined. */
export function routeTargetProblem(def: ServiceDefinition, port: string | undefined): string | undefined {
  if (port && !def.ports.some((p) => p.name === port)) return ROUTE_MESSAGES.portOf(port, def);
  if (!port && def.ports.length === 0) return ROUTE_MESSAGES.noPort(def);
  return undefined;
}
