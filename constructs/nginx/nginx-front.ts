/**
 * NginxFront: the HTTPS entry of every XiVO CC / UC-Addon application on `https://XUC_HOST/...`
 * (XiVO CC documentation, "System Configuration", nginx path distribution), whichever server
 * runs each service: the caller gives each route's address from the front's server (same
 * server: container alias; other server: its address and published port). HTTP redirects to HTTPS.
 */
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { serviceDefinition } from '../../catalogue/services';
import { FrontRole, Role } from '../../catalogue/types';
import { Deployment } from '../deployment';
import { ServiceOverrides } from '../service-container';
import { Certificate } from '../tls/certificate';
import { NginxLocation, NginxSite, NginxUpstream } from './nginx-config';
import { NGINX_SSL_DIR } from '../delivered-files';
import { NginxService } from './nginx-service';
import { FrontRoute } from './routes';

/** The front's certificate files on the host (XiVO CC documentation, "System Configuration"). */
export const FRONT_SSL_HOST_DIR = '/etc/docker/nginx/ssl';
export const FRONT_FILE_BASE = 'xivoxc';

/** Idle timeout of the CTI WebSocket on the front. */
export const FRONT_WEBSOCKET_TIMEOUT_SECONDS = 3600;
/** Port users reach HTTPS on. */
export const DEFAULT_HTTPS_PORT = 443;

/** Addresses that, seen from a container, are the container itself. */
const LOOPBACK = /^(127\.|localhost$|::1$)/;

export interface NginxFrontProps {
  /** Where the front runs. */
  readonly deployment: Deployment;
  /** The product this front serves. @default Role.CC */
  readonly role?: FrontRole;
  /** The name users open (`XUC_HOST`): server_name and redirect target. */
  readonly publicName: string;
  /** Where the certificate comes from (`Certificate.fromInternalCa()`...). */
  readonly certificate: Certificate;
  /** Routes to serve; more with `addRoute()`. @default none */
  readonly routes?: readonly FrontRoute[];
  /** Port users reach HTTPS on (in redirects). @default DEFAULT_HTTPS_PORT (443) */
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

export class NginxFront extends Construct {
  readonly nginx: NginxService;
  private readonly props: NginxFrontProps;
  private readonly routeList: FrontRoute[];

  constructor(scope: Construct, id: string, props: NginxFrontProps) {
    super(scope, id);
    this.props = props;
    this.routeList = [...(props.routes ?? [])];
    this.warnLoopback(this.routeList);
    const material = props.certificate.bind(this, 'certificate');
    this.nginx = new NginxService(this, 'nginx', {
      deployment: props.deployment,
      definition: serviceDefinition(`${props.role ?? Role.CC}.nginx`),
      overrides: props.overrides,
      site: () => this.site,
      tls: material,
      sslHostDir: FRONT_SSL_HOST_DIR,
      fileBaseName: FRONT_FILE_BASE,
    });
  }

  /** The routes served, sorted by path. */
  get routes(): readonly FrontRoute[] {
    return [...this.routeList].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The site nginx.conf is rendered from. */
  get site(): NginxSite {
    return frontSite(this.props.publicName, this.props.httpsPort ?? DEFAULT_HTTPS_PORT, this.routeList);
  }

  /** Serves one more route (nginx.conf is rendered with it at synth). */
  addRoute(route: FrontRoute): void {
    this.routeList.push(route);
    this.warnLoopback([route]);
  }

  private warnLoopback(routes: readonly FrontRoute[]): void {
    const unreachable = routes.filter((r) => !r.serviceId && LOOPBACK.test(r.endpoint.host));
    if (unreachable.length) Annotations.of(this).addWarning(loopbackWarning(unreachable));
  }
}
