/**
 * NginxFront: the HTTPS entry of every XiVO CC / UC-Addon application on `https://XUC_HOST/...`
 * (XiVO CC documentation, "System Configuration", nginx path distribution), whichever server runs
 * each service. Its standard routes come from the catalogue's table (catalogue/routes.ts) and
 * `addRoute(path, service)` adds more, each leading to a service by reference: where it is reached
 * from the front's server (same server: its alias; another server: its address and published port)
 * is read on the platform at synth, when nginx.conf is rendered, once. HTTP redirects to HTTPS.
 *
 * A route must lead to a running service, on a path nginx reads as written and no other route
 * takes: refused otherwise (ValidationError), with the words the environment file's rules use.
 */
import { Construct } from 'constructs';
import { RateZone } from '../../catalogue/routes';
import { serviceDefinition } from '../../catalogue/services';
import { FrontRole, PublicName, Role, ServiceId } from '../../catalogue/types';
import { NGINX_SSL_DIR } from '../delivered-files';
import { ValidationError } from '../errors';
import { publishedPortOf } from '../platform-rules';
import { ServiceContainer, ServiceOverrides, XivoServiceRef } from '../service-container';
import { warnAtSynth } from '../synth-warnings';
import { Certificate } from '../tls/certificate';
import { XivoServer } from '../xivo-server';
import {
  DEFAULT_SIP_WEBSOCKET,
  RouteContext,
  ROUTE_MESSAGES,
  ROUTE_PATH,
  routeTargetProblem,
  SipWebSocket,
  STANDARD_PATHS,
  standardRoutes,
} from './front-routes';
import { NginxLocation, NginxSite, NginxUpstream } from './nginx-config';
import { NginxService, nginxKeyFiles } from './nginx-service';
import { FrontRoute } from './routes';

/** The front's certificate files on the host (XiVO CC documentation, "System Configuration"). */
export const FRONT_SSL_HOST_DIR = '/etc/docker/nginx/ssl';
export const FRONT_FILE_BASE = 'xivoxc';

/** Idle timeout of the CTI WebSocket on the front. */
export const FRONT_WEBSOCKET_TIMEOUT_SECONDS = 3600;
/** Port users reach HTTPS on when the front's service publishes none. */
export const DEFAULT_HTTPS_PORT = 443;

/** Addresses that, seen from a container, are the container itself. */
const LOOPBACK = /^(127\.|localhost$|::1$)/;

/** Where SIP over WebSocket ends on the PBX and each MDS. */
export interface SipWebSocketOptions {
  /** Port of Asterisk's HTTP server. @default 5039 (ASTERISK_WEBSOCKET.port) */
  readonly port?: number;
  /** WebSocket URI of Asterisk. @default '/ws' (ASTERISK_WEBSOCKET.path, inferred) */
  readonly path?: string;
}

/** How a route added with `addRoute` is served. */
export interface RouteOptions {
  /** The target's port name. @default its first port */
  readonly port?: string;
  /** Forward WebSocket upgrades (long idle timeout). @default false */
  readonly websocket?: boolean;
  /** Publish the route on the edge proxy, in this rate-limit zone. @default not published (internal front only) */
  readonly edgeZone?: RateZone;
}

export interface NginxFrontProps {
  /** The product this front serves. @default Role.CC */
  readonly role?: FrontRole;
  /** The name users open (`XUC_HOST`): server_name and redirect target. @default the platform's xucHost (XiVO CC) or ucAddonHost (UC-Addon) */
  readonly publicName?: string;
  /** Where the certificate comes from (`Certificate.fromInternalCa()`...). */
  readonly certificate: Certificate;
  /** Serve the catalogue's routes (catalogue/routes.ts) to every service of the table the platform runs. @default true */
  readonly standardRoutes?: boolean;
  /** SIP over WebSocket (`/wssip` to the PBX's Asterisk, `/wssip-<mds>` to each MDS); false: none. @default Asterisk's 5039 and /ws */
  readonly sipWebSocket?: SipWebSocketOptions | false;
  /** Port users reach HTTPS on (in redirects). @default the front's published https port (443) */
  readonly httpsPort?: number;
  /** The operator's changes to the catalogue service. @default none */
  readonly overrides?: ServiceOverrides;
}

/** The front's locations, with one upstream per distinct address. */
export function frontSite(publicName: string, httpsPort: number, routes: readonly FrontRoute[]): NginxSite {
  const upstreams = new Map<string, NginxUpstream>();
  const locations: NginxLocation[] = [...routes]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((r) => {
      const name = `up_${r.endpoint.host}_${r.endpoint.port}`.replace(/[^A-Za-z0-9_-]/g, '_');
      upstreams.set(name, { name, host: r.endpoint.host, port: r.endpoint.port });
      return { path: r.path, upstream: name, websocket: r.websocket, zone: r.edgeZone, upstreamPath: r.upstreamPath };
    });
  return {
    serverName: publicName,
    httpsPort,
    certificateFile: `${NGINX_SSL_DIR}/${FRONT_FILE_BASE}.crt`,
    keyFile: `${NGINX_SSL_DIR}/${FRONT_FILE_BASE}.key`,
    upstreams: [...upstreams.values()],
    locations,
    websocketTimeoutSeconds: FRONT_WEBSOCKET_TIMEOUT_SECONDS,
  };
}

/** Routes to a host package (Asterisk) at a loopback address reach the nginx container itself. */
export function loopbackWarning(routes: readonly FrontRoute[]): string {
  const [first] = routes;
  return `${routes.map((r) => r.path).join(', ')} lead${routes.length === 1 ? 's' : ''} to Asterisk at ${first.endpoint.host}:${first.endpoint.port}, a loopback address: inside the nginx container it is the container itself; give the server its LAN address, or set tls.sipWebSocket.enabled: false`;
}

/** A route added with `addRoute`, resolved at synth. */
interface AddedRoute extends RouteOptions {
  readonly path: string;
  readonly service: ServiceId;
}

export class NginxFront extends Construct {
  readonly nginx: NginxService;
  /** The product this front serves. */
  readonly role: FrontRole;
  /** The name users open. */
  readonly publicName: string;
  /** Where its certificate comes from (the edge proxy verifies the front with it). */
  readonly certificate: Certificate;
  private readonly server: XivoServer;
  private readonly props: NginxFrontProps;
  private readonly sip: SipWebSocket | undefined;
  private readonly added: AddedRoute[] = [];

  constructor(scope: Construct, id: string, props: NginxFrontProps) {
    super(scope, id);
    this.props = props;
    this.role = props.role ?? Role.CC;
    this.server = XivoServer.of(this);
    const nameKey = this.role === Role.CC ? PublicName.XUC_HOST : PublicName.UC_ADDON_HOST;
    const publicName = props.publicName ?? this.server.platform.publicName(nameKey);
    if (!publicName) throw new ValidationError(`the front needs its public name: give publicName, or XivoPlatform publicNames.${nameKey}`, this);
    this.publicName = publicName;
    this.certificate = props.certificate;
    this.sip = props.sipWebSocket === false ? undefined : { ...DEFAULT_SIP_WEBSOCKET, ...props.sipWebSocket };
    const definition = serviceDefinition(`${this.role}.nginx`);
    const material = props.certificate.bind(this, 'certificate', nginxKeyFiles(this, definition, FRONT_SSL_HOST_DIR, FRONT_FILE_BASE));
    this.nginx = new NginxService(this, 'nginx', {
      definition,
      overrides: props.overrides,
      site: () => this.site,
      tls: material,
      sslHostDir: FRONT_SSL_HOST_DIR,
      fileBaseName: FRONT_FILE_BASE,
    });
    warnAtSynth(this, () => {
      const unreachable = this.routes.filter((r) => !r.serviceId && LOOPBACK.test(r.endpoint.host));
      return unreachable.length ? [loopbackWarning(unreachable)] : [];
    });
  }

  /** The catalogue service of the front (`cc.nginx`, `ucaddon.nginx`). */
  get service(): ServiceContainer {
    return this.nginx.service;
  }

  /**
   * Serves `path` from a service (a construct running it, or its catalogue id: `xivo.configmgt`,
   * which XiVO serves itself when the platform runs none). Where it is reached is read on the
   * platform when nginx.conf is rendered.
   */
  addRoute(path: string, service: XivoServiceRef | ServiceId, options: RouteOptions = {}): void {
    const id = typeof service === 'string' ? service : ('definition' in service ? service : service.service).definition.id;
    if (!ROUTE_PATH.test(path)) throw new ValidationError(ROUTE_MESSAGES.path(path), this);
    if (this.props.standardRoutes !== false && STANDARD_PATHS.has(path)) throw new ValidationError(ROUTE_MESSAGES.builtIn(path), this);
    if (this.added.some((r) => r.path === path)) {
      throw new ValidationError(`"${path}" is already the path of a route added before: two routes cannot share a path; choose another path`, this);
    }
    const target = routeTargetProblem(serviceDefinition(id), options.port);
    if (target) throw new ValidationError(target, this);
    this.added.push({ ...options, path, service: id });
  }

  /** The routes served, sorted by path: the standard ones whose target runs, then those added (as resolved at synth). */
  get routes(): readonly FrontRoute[] {
    const ctx: RouteContext = {
      endpoint: (service, port) => this.server.platform.endpoint(this.server, service, port),
      serversWithRole: (role) => this.server.platform.serversWithRole(role).map((s) => ({ name: s.serverName, address: s.address })),
    };
    const standard = this.props.standardRoutes === false ? [] : standardRoutes(ctx, this.role, this.sip);
    const added = this.added.map((r): FrontRoute => {
      const at = ctx.endpoint(r.service, r.port);
      if (!at)
        throw new ValidationError(
          `route ${r.path} leads to ${r.service}, which runs on no server of the platform: a route must lead to a running service`,
          this,
        );
      if (standard.some((s) => s.path === r.path)) throw new ValidationError(ROUTE_MESSAGES.builtIn(r.path), this);
      return { path: r.path, targetName: r.service, serviceId: r.service, endpoint: at, websocket: !!r.websocket, edgeZone: r.edgeZone, extra: true };
    });
    return [...standard, ...added].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The site nginx.conf is rendered from. */
  get site(): NginxSite {
    const published = publishedPortOf(this.nginx.service.definition, 'https', this.props.overrides?.ports);
    return frontSite(this.publicName, this.props.httpsPort ?? published ?? DEFAULT_HTTPS_PORT, this.routes);
  }
}
