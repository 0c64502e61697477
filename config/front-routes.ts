/**
 * The route table of the fronts of an environment, on the model (for the firewall matrix): the
 * library's rule (constructs/nginx/front-routes.ts) with the model's placement, plus the
 * environment's extra routes (`tls.routes`).
 */
import { DEFAULT_EXTRA_EDGE_ZONE, EDGE_ONLY_PATHS, RateZone, RouteDefinition } from '../catalogue/routes';
import { FrontRole, Role } from '../catalogue/types';
import { resolveRoute, RouteContext, SipWebSocket, standardRoutes } from '../constructs/nginx/front-routes';
import { FrontRoute } from '../constructs/nginx/routes';
import { endpoint } from './endpoints';
import { Environment, ServerModel, serversWithRole } from './model';
import { RouteSpec, SipWebSocketSpec } from './schema-tls';

/** The zone of an extra route on the edge: its own, the Edge table's for its path, else DEFAULT_EXTRA_EDGE_ZONE. */
export function extraRouteZone(spec: Pick<RouteSpec, 'path' | 'edge' | 'zone'>): RateZone | undefined {
  if (!spec.edge) return undefined;
  return (spec.zone as RateZone | undefined) ?? EDGE_ONLY_PATHS[spec.path] ?? DEFAULT_EXTRA_EDGE_ZONE;
}

/** The environment's extra routes as route definitions (always on catalogue services). */
function extraRoutes(specs: readonly RouteSpec[]): RouteDefinition[] {
  return specs.map((r) => ({
    path: r.path,
    target: { kind: 'service', service: r.service, port: r.port },
    websocket: r.websocket,
    edgeZone: extraRouteZone(r),
    confidence: 'verified',
  }));
}

/** The SIP WebSocket of the `tls` section: undefined when disabled. */
export function sipWebSocketOf(spec: SipWebSocketSpec): SipWebSocket | undefined {
  return spec.enabled ? { port: spec.port, path: spec.path } : undefined;
}

/**
 * The routes of the front of `role` on `server`, sorted by path: the standard ones whose target
 * is deployed, and the environment's extra routes.
 */
export function resolveRoutes(env: Environment, server: ServerModel, role: FrontRole): FrontRoute[] {
  const ctx: RouteContext = {
    endpoint: (service, port) => endpoint(env, server, service, port),
    serversWithRole: (r: Role.XIVO | Role.MDS) => serversWithRole(env, r),
  };
  const sip = sipWebSocketOf(env.tls.sipWebSocket);
  const extra = extraRoutes(env.tls.routes).flatMap((route) => resolveRoute(ctx, role, route, true, sip));
  return [...standardRoutes(ctx, role, sip), ...extra].sort((a, b) => a.path.localeCompare(b.path));
}
