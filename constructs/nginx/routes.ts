/**
 * The route table of the XiVO CC / UC-Addon front as data (seed 000 path table, reference
 * §2.5 and §5), shared by NginxFront (which proxies each path to its service) and the
 * edge proxy (which forwards the same paths to the front, with XiVO Edge's rate limits).
 */
import { Role, ServiceId } from '../../catalogue/types';
import { endpoint, Endpoint } from '../../config/endpoints';
import { Environment, ServerModel } from '../../config/model';
import { RouteSpec } from '../../config/schema-tls';

/** XiVO Edge's rate-limit zones (reference §2.5). */
export enum RateZone {
  WEBAPP = 'webapp',
  ASSETS = 'assets',
  APIS = 'apis',
  AUTH = 'auth',
}

export interface Route {
  /** Prefix path, as nginx `location` matches it. */
  readonly path: string;
  /** Role-relative service name (`xucmgt`) for the front's role, or a full id (`xivo.configmgt`). */
  readonly service: string;
  /** Port name of the service. @default its first port */
  readonly port?: string;
  /** Forward WebSocket upgrades. @default false */
  readonly websocket?: boolean;
  /** Rate-limit zone on the edge proxy. @default none */
  readonly zone?: RateZone;
}

/**
 * Built-in routes. Targets of seed 000 are verified; the extra XiVO app paths (`/ucassistant`,
 * `/switchboard`, `/assets`, `/config`, `/pwa-worker.js`, `/static/offline.html` → xucmgt,
 * `/version` → xuc) are inferred. Meetingroom, desktop-app downloads and SIP WebSockets have
 * no catalogue service yet, so no route.
 */
export const ROUTES: readonly Route[] = [
  { path: '/', service: 'xucmgt', zone: RateZone.WEBAPP },
  { path: '/fingerboard', service: 'xucmgt', zone: RateZone.WEBAPP },
  { path: '/ccagent', service: 'xucmgt', zone: RateZone.WEBAPP },
  { path: '/ccmanager', service: 'xucmgt', zone: RateZone.WEBAPP },
  { path: '/ucassistant', service: 'xucmgt', zone: RateZone.WEBAPP },
  { path: '/switchboard', service: 'xucmgt', zone: RateZone.WEBAPP },
  { path: '/assets', service: 'xucmgt', zone: RateZone.ASSETS },
  { path: '/config', service: 'xucmgt', zone: RateZone.ASSETS },
  { path: '/pwa-worker.js', service: 'xucmgt', zone: RateZone.ASSETS },
  { path: '/static/offline.html', service: 'xucmgt', zone: RateZone.ASSETS },
  { path: '/xuc', service: 'xuc', zone: RateZone.APIS },
  { path: '/version', service: 'xuc', zone: RateZone.APIS },
  { path: '/xuc/api/2.0/auth/login', service: 'xuc', zone: RateZone.AUTH },
  { path: '/xuc/api/2.0/cti', service: 'xuc', websocket: true, zone: RateZone.AUTH },
  { path: '/configmgt', service: 'xivo.configmgt' },
  { path: '/kibana', service: 'cc.kibana' },
  { path: '/recording', service: 'cc.recording-server' },
  { path: '/SpagoBI', service: 'cc.spagobi' },
];

/** A route with the address nginx reaches it at, from the front's server. */
export interface ResolvedRoute extends Route {
  readonly serviceId: ServiceId;
  readonly endpoint: Endpoint;
}

/** Full service id of a route for a front of `role`. */
export function routeServiceId(route: Pick<Route, 'service'>, role: Role): ServiceId {
  return (route.service.includes('.') ? route.service : `${role}.${route.service}`) as ServiceId;
}

export function extraRoutes(specs: readonly RouteSpec[]): Route[] {
  return specs.map((r) => ({ path: r.path, service: r.service, port: r.port, websocket: r.websocket }));
}

/**
 * The routes of the front of `role` on `server`, sorted by path: every route whose service is
 * deployed somewhere in the environment; the others are left out, never pointed at nothing.
 * A front routes services of its own role and of the XiVO PBX only.
 */
export function resolveRoutes(env: Environment, server: ServerModel, role: Role.CC | Role.UC_ADDON, extra: readonly Route[] = []): ResolvedRoute[] {
  return [...ROUTES, ...extra]
    .flatMap((route) => {
      const serviceId = routeServiceId(route, role);
      // CC services are not routed by the UC-Addon front (and vice versa); XiVO ones by both.
      const targetRole = serviceId.split('.')[0];
      if ((targetRole === Role.CC || targetRole === Role.UC_ADDON) && targetRole !== role) return [];
      const at = endpoint(env, server, serviceId, route.port);
      return at ? [{ ...route, serviceId, endpoint: at }] : [];
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}
