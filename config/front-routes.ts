/**
 * Resolves the route table (catalogue/routes.ts) for one front of an environment: which paths
 * exist, where each leads from the front's server, and which ones the edge proxy publishes.
 */
import { DEFAULT_EXTRA_EDGE_ZONE, EDGE_ONLY_PATHS, RateZone, RouteDefinition, ROUTES, SERVER_PLACEHOLDER } from '../catalogue/routes';
import { Role, ServiceId } from '../catalogue/types';
import { FrontRoute } from '../constructs/nginx/routes';
import { endpoint } from './endpoints';
import { Environment, ServerModel, serversWithRole } from './model';
import { RouteSpec, SipWebSocketSpec } from './schema-tls';

/** Full service id of a route target for a front of `role`. */
export function routeServiceId(service: string, role: Role): ServiceId {
  return (service.includes('.') ? service : `${role}.${service}`) as ServiceId;
}

/** The zone of an extra route on the edge: its own, the Edge table's for its path, else DEFAULT_EXTRA_EDGE_ZONE. */
export function extraRouteZone(spec: Pick<RouteSpec, 'path' | 'edge' | 'zone'>): RateZone | undefined {
  if (!spec.edge) return undefined;
  return (spec.zone as RateZone | undefined) ?? EDGE_ONLY_PATHS[spec.path] ?? DEFAULT_EXTRA_EDGE_ZONE;
}

/** The environment's extra routes as route definitions (always on catalogue services). */
export function extraRoutes(specs: readonly RouteSpec[]): RouteDefinition[] {
  return specs.map((r) => ({
    path: r.path,
    target: { kind: 'service', service: r.service, port: r.port },
    websocket: r.websocket,
    edgeZone: extraRouteZone(r),
    confidence: 'verified',
  }));
}

function resolveOne(env: Environment, server: ServerModel, role: Role.CC | Role.UC_ADDON, route: RouteDefinition, extra: boolean, sip: SipWebSocketSpec): FrontRoute[] {
  const common = { websocket: !!route.websocket, edgeZone: route.edgeZone, extra };
  if (route.target.kind === 'asterisk') {
    if (!sip.enabled) return [];
    return serversWithRole(env, route.target.role).map((target) => ({
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
  const at = endpoint(env, server, serviceId, route.target.port);
  return at ? [{ ...common, path: route.path, targetName: serviceId, serviceId, endpoint: at }] : [];
}

/**
 * The routes of the front of `role` on `server`, sorted by path: every route whose target is
 * deployed somewhere in the environment; the others are left out, never pointed at nothing.
 * A front routes services of its own role and of the XiVO PBX, and the Asterisk of the PBX
 * and of each MDS.
 */
export function resolveRoutes(env: Environment, server: ServerModel, role: Role.CC | Role.UC_ADDON, extra: readonly RouteDefinition[], sip: SipWebSocketSpec): FrontRoute[] {
  return [...ROUTES.map((r) => [r, false] as const), ...extra.map((r) => [r, true] as const)]
    .flatMap(([route, isExtra]) => resolveOne(env, server, role, route, isExtra, sip))
    .sort((a, b) => a.path.localeCompare(b.path));
}
