/**
 * EdgeProxy: nginx in a DMZ in front of the XiVO CC (or UC-Addon) front (XiVO documentation,
 * "XiVO Edge"; hiding internal names as in "Using a Reverse Proxy between Agent Browser and
 * Finesse Servers"). Users open its public name; it forwards the front's published paths over
 * HTTPS with the front's own name, rewrites every internal name and address out of redirects,
 * cookies and text bodies, sends no server version, and applies XiVO Edge's per-route rate limits.
 */
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { DATA_STORES } from '../../catalogue/routes';
import { serviceDefinition } from '../../catalogue/services';
import { Deployment } from '../deployment';
import { Endpoint } from '../platform-rules';
import { ServiceOverrides } from '../service-container';
import { Certificate } from '../tls/certificate';
import { NginxLocation, NginxSite } from './nginx-config';
import { NGINX_SSL_DIR } from '../delivered-files';
import { EDGE_DEFAULTS } from './edge-defaults';
import { NginxService, UPSTREAM_TRUST_FILE } from './nginx-service';
import { frontSite } from './nginx-front';
import { FrontRoute } from './routes';

export const EDGE_SSL_HOST_DIR = '/etc/docker/edge/nginx/ssl';
export const EDGE_FILE_BASE = 'edge';
const FRONT_UPSTREAM = 'front';

/** The front the edge forwards to. */
export interface EdgeUpstream {
  /** The front's public name: Host header and TLS name sent to it. */
  readonly serverName: string;
  /** Where the edge reaches the front's HTTPS port. */
  readonly endpoint: Endpoint;
  /** The front's routes: those with an edge zone are published. */
  readonly routes: readonly FrontRoute[];
  /** PEM the front's certificate is verified with. @default none: not verified (a self-signed front) */
  readonly trustPem?: string;
}

export interface EdgeProxyProps {
  /** Where the edge runs (the DMZ host). */
  readonly deployment: Deployment;
  /** The name users open from outside; the only name in its certificate. */
  readonly publicName: string;
  /** Where the certificate comes from (`Certificate.fromInternalCa(ca, [publicName])`...). */
  readonly certificate: Certificate;
  /** The front it forwards to. */
  readonly front: EdgeUpstream;
  /** Internal names and addresses rewritten to the public name in redirects, cookies and bodies. @default none */
  readonly hiddenNames?: readonly string[];
  /**
   * XiVO Edge's per-route rate limits. false leaves login and the CTI and SIP WebSockets open to
   * brute force (an environment file saying so is warned about at synth). @default true
   */
  readonly rateLimits?: boolean;
  /**
   * Client networks exempt from rate limits: 0.0.0.0/0 is the same as `rateLimits: false` (an
   * environment file saying so is warned about at synth). @default EDGE_DEFAULTS.exemptNetworks (RFC 1918)
   */
  readonly exemptNetworks?: readonly string[];
  /** nginx `client_max_body_size`. @default '10m' */
  readonly clientMaxBodySize?: string;
  /** Upstream timeout of HTTP requests, seconds. @default 60 */
  readonly timeoutSeconds?: number;
  /** Idle timeout of WebSockets, seconds. @default 3600 */
  readonly websocketTimeoutSeconds?: number;
  /** The operator's changes to the catalogue service. @default none */
  readonly overrides?: ServiceOverrides;
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

/** The edge's site from its props. */
export function edgeSite(props: EdgeProxyProps): NginxSite {
  const inner = frontSite(props.front.serverName, 443, props.front.routes);
  return {
    serverName: props.publicName,
    httpsPort: 443,
    certificateFile: `${NGINX_SSL_DIR}/${EDGE_FILE_BASE}.crt`,
    keyFile: `${NGINX_SSL_DIR}/${EDGE_FILE_BASE}.key`,
    upstreams: [{ name: FRONT_UPSTREAM, host: props.front.endpoint.host, port: props.front.endpoint.port, tls: true }],
    locations: edgeLocations(inner.locations),
    websocketTimeoutSeconds: props.websocketTimeoutSeconds ?? EDGE_DEFAULTS.websocketTimeoutSeconds,
    edge: {
      upstreamHost: props.front.serverName,
      hiddenNames: (props.hiddenNames ?? []).filter((n) => n !== props.publicName),
      rateLimits: props.rateLimits ?? EDGE_DEFAULTS.rateLimits,
      exemptNetworks: props.exemptNetworks ?? EDGE_DEFAULTS.exemptNetworks,
      clientMaxBodySize: props.clientMaxBodySize ?? EDGE_DEFAULTS.clientMaxBodySize,
      timeoutSeconds: props.timeoutSeconds ?? EDGE_DEFAULTS.timeoutSeconds,
      upstreamTrustFile: props.front.trustPem ? `${NGINX_SSL_DIR}/${UPSTREAM_TRUST_FILE}` : undefined,
    },
  };
}

/** Routes published on the edge whose target is a data store (the synth warns about each). */
function publishedDataStores(frontRoutes: readonly FrontRoute[]): FrontRoute[] {
  return frontRoutes.filter((r) => r.edgeZone && r.serviceId && DATA_STORES.has(r.serviceId));
}

export class EdgeProxy extends Construct {
  readonly nginx: NginxService;

  constructor(scope: Construct, id: string, props: EdgeProxyProps) {
    super(scope, id);
    for (const route of publishedDataStores(props.front.routes)) {
      Annotations.of(this).addWarning(
        `tls.routes publishes ${route.path} on the edge, and it leads to ${route.serviceId}, a data store: the Internet reaches it through ${props.publicName}; remove "edge: true" unless this is intended`,
      );
    }
    const material = props.certificate.bind(this, 'certificate');
    this.nginx = new NginxService(this, 'nginx', {
      deployment: props.deployment,
      definition: serviceDefinition('edge.nginx'),
      overrides: props.overrides,
      site: edgeSite(props),
      tls: material,
      sslHostDir: EDGE_SSL_HOST_DIR,
      fileBaseName: EDGE_FILE_BASE,
      upstreamTrustPem: props.front.trustPem,
    });
  }
}
