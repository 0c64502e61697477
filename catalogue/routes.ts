/**
 * The route table of the XiVO CC / UC-Addon front and of the edge proxy, as data.
 *
 * Sources: the path table of the XiVO CC documentation, "System Configuration" (front), XiVO Edge's route table and
 * rate-limit zones (XiVO documentation, "XiVO Edge", "Edge features" 2022.10 to 2024.05), the Asterisk HTTP
 * server page of XiVO's documentation (2022.10: WebRTC, port 5039). The front routes every
 * entry whose target is deployed; the edge publishes only the entries that carry an edge zone
 * (an allow-list, as XiVO Edge "proxifies only the needed routes"). Admin and reporting paths
 * (`/configmgt`, `/kibana`, `/recording`, `/SpagoBI`, `/ccmanager`) have none: internal only.
 */
import { Confidence, Role, ServiceId } from './types';

/** XiVO Edge's rate-limit zones (XiVO documentation, "XiVO Edge"): one nginx zone each, except the nodelay variants. */
export enum RateZone {
  /** The agent and UC applications. */
  WEBAPP = 'webapp',
  /** Their assets: the webapp zone with a larger burst, nodelay. */
  ASSETS = 'assets',
  /** The xuc API. */
  APIS = 'apis',
  /** Login, CTI and SIP WebSockets, Meetingroom tokens. */
  AUTH = 'auth',
  /** Desktop-application downloads and updates. */
  DAPP = 'dapp',
  /** Meetingroom (video) pages and WebSockets. */
  VIDEO = 'video',
}

export interface RateLimit {
  /** nginx `limit_req_zone` name (two RateZones can share one). */
  readonly zone: string;
  readonly rate: string;
  readonly burst: number;
  readonly nodelay: boolean;
}

/** XiVO Edge's limits per zone, per client address (verified: Edge features page). */
export const RATE_LIMITS: Readonly<Record<RateZone, RateLimit>> = {
  [RateZone.WEBAPP]: { zone: 'webapp', rate: '30r/s', burst: 20, nodelay: false },
  [RateZone.ASSETS]: { zone: 'webapp', rate: '30r/s', burst: 50, nodelay: true },
  [RateZone.APIS]: { zone: 'apis', rate: '30r/s', burst: 10, nodelay: false },
  [RateZone.AUTH]: { zone: 'auth', rate: '20r/m', burst: 12, nodelay: true },
  [RateZone.DAPP]: { zone: 'dapp', rate: '20r/m', burst: 15, nodelay: true },
  [RateZone.VIDEO]: { zone: 'video', rate: '20r/s', burst: 12, nodelay: true },
};

/** Where a route leads: a catalogue service, or the Asterisk HTTP server of each server of a role. */
export type RouteTarget =
  /** `service`: role-relative name (`xucmgt`) for the front's own role, or a full id (`xivo.configmgt`). */
  | { readonly kind: 'service'; readonly service: string; readonly port?: string }
  /** Asterisk's HTTP server (a host package, not a container) on the PBX, or on each MDS. */
  | { readonly kind: 'asterisk'; readonly role: Role.XIVO | Role.MDS };

/** Placeholder of per-server paths, replaced by each server's name (`/wssip-{server}` → `/wssip-mds1`). */
export const SERVER_PLACEHOLDER = '{server}';

export interface RouteDefinition {
  /** Prefix path as nginx `location` matches it; may hold SERVER_PLACEHOLDER for per-server targets. */
  readonly path: string;
  readonly target: RouteTarget;
  /** Forward WebSocket upgrades. @default false */
  readonly websocket?: boolean;
  /** Published on the edge proxy, in this rate-limit zone. @default not published (internal front only) */
  readonly edgeZone?: RateZone;
  /** Whether the path → target pairing comes from a source or is inferred. */
  readonly confidence: Confidence;
}

const xucmgt: RouteTarget = { kind: 'service', service: 'xucmgt' };
const xuc: RouteTarget = { kind: 'service', service: 'xuc' };

/**
 * Built-in routes. The targets of XiVO CC "System Configuration" are verified; the XiVO Edge app paths sent to xucmgt/xuc
 * are inferred (the Edge page lists the paths, not the service behind each). Meetingroom
 * (`/video`, `/invitation/video`, `/meetingrooms/token/validate/`) and the desktop-app paths
 * have no catalogue service: an operator who runs them adds `tls.routes` entries with
 * `edge: true` and the zone `video` / `dapp` (EDGE_ONLY_PATHS gives the zone by default).
 */
export const ROUTES: readonly RouteDefinition[] = [
  { path: '/', target: xucmgt, confidence: 'verified' },
  { path: '/fingerboard', target: xucmgt, confidence: 'verified' },
  { path: '/ccagent', target: xucmgt, edgeZone: RateZone.WEBAPP, confidence: 'verified' },
  { path: '/ccmanager', target: xucmgt, confidence: 'verified' },
  { path: '/ucassistant', target: xucmgt, edgeZone: RateZone.WEBAPP, confidence: 'inferred' },
  { path: '/switchboard', target: xucmgt, edgeZone: RateZone.WEBAPP, confidence: 'inferred' },
  { path: '/assets', target: xucmgt, edgeZone: RateZone.ASSETS, confidence: 'inferred' },
  { path: '/config', target: xucmgt, edgeZone: RateZone.ASSETS, confidence: 'inferred' },
  { path: '/pwa-worker.js', target: xucmgt, edgeZone: RateZone.ASSETS, confidence: 'inferred' },
  { path: '/static/offline.html', target: xucmgt, edgeZone: RateZone.ASSETS, confidence: 'inferred' },
  { path: '/xuc', target: xuc, edgeZone: RateZone.APIS, confidence: 'verified' },
  { path: '/version', target: xuc, edgeZone: RateZone.APIS, confidence: 'inferred' },
  { path: '/xuc/api/2.0/auth/login', target: xuc, edgeZone: RateZone.AUTH, confidence: 'verified' },
  { path: '/xuc/api/2.0/cti', target: xuc, websocket: true, edgeZone: RateZone.AUTH, confidence: 'verified' },
  // SIP over WebSocket (WebRTC): the path is verified (Edge), Asterisk as its upstream is inferred.
  { path: '/wssip', target: { kind: 'asterisk', role: Role.XIVO }, websocket: true, edgeZone: RateZone.AUTH, confidence: 'inferred' },
  {
    path: `/wssip-${SERVER_PLACEHOLDER}`,
    target: { kind: 'asterisk', role: Role.MDS },
    websocket: true,
    edgeZone: RateZone.AUTH,
    confidence: 'inferred',
  },
  { path: '/configmgt', target: { kind: 'service', service: 'xivo.configmgt' }, confidence: 'verified' },
  { path: '/kibana', target: { kind: 'service', service: 'cc.kibana' }, confidence: 'verified' },
  { path: '/recording', target: { kind: 'service', service: 'cc.recording-server' }, confidence: 'verified' },
  { path: '/SpagoBI', target: { kind: 'service', service: 'cc.spagobi' }, confidence: 'verified' },
];

/**
 * XiVO Edge paths whose service is not in the catalogue (Meetingroom, desktop applications),
 * with their zone: the default zone of a `tls.routes` entry on one of these paths.
 */
export const EDGE_ONLY_PATHS: Readonly<Record<string, RateZone>> = {
  '/video/': RateZone.VIDEO,
  '/video/xmpp-websocket': RateZone.VIDEO,
  '/video/colibri-ws/': RateZone.VIDEO,
  '/video/css': RateZone.ASSETS,
  '/video/images': RateZone.ASSETS,
  '/video/lang': RateZone.ASSETS,
  '/video/libs': RateZone.ASSETS,
  '/video/sounds': RateZone.ASSETS,
  '/video/external_api.js': RateZone.APIS,
  '/invitation/video': RateZone.AUTH,
  '/meetingrooms/token/validate/': RateZone.AUTH,
  '/install/win64': RateZone.DAPP,
  '/updates/win64': RateZone.DAPP,
  '/updates/debian': RateZone.DAPP,
};

/** Zone of an extra route marked `edge: true` without a zone, and not on an EDGE_ONLY_PATHS path. */
export const DEFAULT_EXTRA_EDGE_ZONE = RateZone.APIS;

/**
 * Asterisk's HTTP server, where SIP over WebSocket ends. Port 5039: verified (XiVO
 * documentation, "Asterisk HTTP server", 2022.10: used for WebRTC, listens on 5039; `bindaddr`
 * must accept the front's address). URI `/ws`: inferred (Asterisk's res_http_websocket
 * default). Both are overridable with `tls.sipWebSocket`.
 */
export const ASTERISK_WEBSOCKET = { port: 5039, path: '/ws', portConfidence: 'verified', pathConfidence: 'inferred' } as const;

/**
 * Services that hold data rather than serve users: publishing one on the edge is almost
 * certainly a mistake (synth warns).
 */
export const DATA_STORES: ReadonlySet<ServiceId> = new Set<ServiceId>(['cc.pgxivocc', 'cc.elasticsearch']);
