/**
 * EdgeProxy: nginx in a DMZ in front of the XiVO CC (or UC-Addon) front (XiVO documentation,
 * "XiVO Edge"; hiding internal names as in "Using a Reverse Proxy between Agent Browser and
 * Finesse Servers"). Users open its public name; it forwards the front's published paths over
 * HTTPS with the front's own name, rewrites every internal name and address out of redirects,
 * cookies and text bodies, sends no server version, and applies XiVO Edge's per-route rate limits.
 */
import { Construct } from 'constructs';
import { DATA_STORES } from '../../catalogue/routes';
import { serviceDefinition } from '../../catalogue/services';
import { InternalError, ValidationError } from '../errors';
import { Endpoint } from '../platform-rules';
import { ServiceOverrides } from '../service-container';
import { warnAtSynth } from '../synth-warnings';
import { Certificate } from '../tls/certificate';
import { XivoServer } from '../xivo-server';
import { EdgeSiteOptions, NginxLocation, NginxSite } from './nginx-config';
import { NGINX_SSL_DIR } from '../delivered-files';
import { EDGE_DEFAULTS, EDGE_TIMEOUT_LIMITS, NGINX_SIZE } from './edge-defaults';
import { NginxService, nginxKeyFiles, UPSTREAM_TRUST_FILE } from './nginx-service';
import { frontSite, NginxFront } from './nginx-front';
import { FrontRoute } from './routes';

export const EDGE_SSL_HOST_DIR = '/etc/docker/edge/nginx/ssl';
export const EDGE_FILE_BASE = 'edge';
const FRONT_UPSTREAM = 'front';

export interface EdgeProxyProps {
  /** The front it forwards to: its routes with an edge zone are published, with its name and certificate. */
  readonly front: NginxFront;
  /** The name users open from outside; the only name in its certificate. */
  readonly publicName: string;
  /** Where the certificate comes from (`Certificate.fromInternalCa(ca, [publicName])`...). */
  readonly certificate: Certificate;
  /**
   * Internal names and addresses rewritten to the public name in redirects, cookies and bodies.
   * @default every name the platform knows (XivoPlatform.internalNames: public names, servers, containers, directory and Kerberos servers)
   */
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
  /** nginx `client_max_body_size`: digits and an optional k or m. @default '10m' */
  readonly clientMaxBodySize?: string;
  /** Upstream timeout of HTTP requests, whole seconds from 1 to 3600. @default 60 */
  readonly timeoutSeconds?: number;
  /** Idle timeout of WebSockets, whole seconds from 60 to 86400. @default 3600 */
  readonly websocketTimeoutSeconds?: number;
  /** The operator's changes to the catalogue service. @default none */
  readonly overrides?: ServiceOverrides;
}

/** What the edge's site is rendered from, at synth: the limits as nginx-config.ts takes them, and the front it forwards to. */
export interface EdgeSiteInput extends Pick<
  EdgeSiteOptions,
  'hiddenNames' | 'rateLimits' | 'exemptNetworks' | 'clientMaxBodySize' | 'timeoutSeconds'
> {
  readonly publicName: string;
  /** The front's public name: Host header and TLS name sent to it. */
  readonly frontName: string;
  /** Where the edge reaches the front's HTTPS port. */
  readonly frontEndpoint: Endpoint;
  /** The front's routes: those with an edge zone are published. */
  readonly frontRoutes: readonly FrontRoute[];
  /** Whether the front's certificate is verified (a CA or chain to verify it with exists). */
  readonly verifyFront: boolean;
  readonly websocketTimeoutSeconds: number;
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

/** The edge's site. */
export function edgeSite(input: EdgeSiteInput): NginxSite {
  const inner = frontSite(input.frontName, 443, input.frontRoutes);
  return {
    serverName: input.publicName,
    httpsPort: 443,
    certificateFile: `${NGINX_SSL_DIR}/${EDGE_FILE_BASE}.crt`,
    keyFile: `${NGINX_SSL_DIR}/${EDGE_FILE_BASE}.key`,
    upstreams: [{ name: FRONT_UPSTREAM, host: input.frontEndpoint.host, port: input.frontEndpoint.port, tls: true }],
    locations: edgeLocations(inner.locations),
    websocketTimeoutSeconds: input.websocketTimeoutSeconds,
    edge: {
      upstreamHost: input.frontName,
      hiddenNames: input.hiddenNames.filter((n) => n !== input.publicName),
      rateLimits: input.rateLimits,
      exemptNetworks: input.exemptNetworks,
      clientMaxBodySize: input.clientMaxBodySize,
      timeoutSeconds: input.timeoutSeconds,
      upstreamTrustFile: input.verifyFront ? `${NGINX_SSL_DIR}/${UPSTREAM_TRUST_FILE}` : undefined,
    },
  };
}

/** Routes published on the edge whose target is a data store (the synth warns about each). */
function publishedDataStores(frontRoutes: readonly FrontRoute[]): FrontRoute[] {
  return frontRoutes.filter((r) => r.edgeZone && r.serviceId && DATA_STORES.has(r.serviceId));
}

export class EdgeProxy extends Construct {
  readonly nginx: NginxService;
  /** The front it forwards to. */
  readonly front: NginxFront;

  constructor(scope: Construct, id: string, props: EdgeProxyProps) {
    super(scope, id);
    this.front = props.front;
    checkLimits(this, props);
    const server = XivoServer.of(this);
    // The PEM the front's certificate is verified with: the internal CA, or the operator's chain (none: self-signed).
    const trustPem = props.front.certificate.trustPem(this);
    const definition = serviceDefinition('edge.nginx');
    const material = props.certificate.bind(this, 'certificate', nginxKeyFiles(this, definition, EDGE_SSL_HOST_DIR, EDGE_FILE_BASE));
    this.nginx = new NginxService(this, 'nginx', {
      definition,
      overrides: props.overrides,
      // Rendered at synth: the front's routes and the platform's names are all known then.
      site: () => {
        const frontEndpoint = server.platform.endpoint(server, props.front.service.definition.id, 'https');
        if (!frontEndpoint) throw new InternalError('the front the edge forwards to publishes no https port', this);
        return edgeSite({
          publicName: props.publicName,
          frontName: props.front.publicName,
          frontEndpoint,
          frontRoutes: props.front.routes,
          verifyFront: trustPem !== undefined,
          hiddenNames: props.hiddenNames ?? server.platform.internalNames(),
          rateLimits: props.rateLimits ?? EDGE_DEFAULTS.rateLimits,
          exemptNetworks: props.exemptNetworks ?? EDGE_DEFAULTS.exemptNetworks,
          clientMaxBodySize: props.clientMaxBodySize ?? EDGE_DEFAULTS.clientMaxBodySize,
          timeoutSeconds: props.timeoutSeconds ?? EDGE_DEFAULTS.timeoutSeconds,
          websocketTimeoutSeconds: props.websocketTimeoutSeconds ?? EDGE_DEFAULTS.websocketTimeoutSeconds,
        });
      },
      tls: material,
      sslHostDir: EDGE_SSL_HOST_DIR,
      fileBaseName: EDGE_FILE_BASE,
      upstreamTrustPem: trustPem,
    });
    warnAtSynth(this, () =>
      publishedDataStores(props.front.routes).map(
        (route) =>
          `route ${route.path} is published on the edge and leads to ${route.serviceId}, a data store: the Internet reaches it through ${props.publicName}; keep it on the front only (in an environment file, remove "edge: true") unless this is intended`,
      ),
    );
  }
}

/** Timeouts and the body size nginx can take: the bounds the environment file's schema applies. */
function checkLimits(scope: Construct, props: EdgeProxyProps): void {
  for (const key of ['timeoutSeconds', 'websocketTimeoutSeconds'] as const) {
    const value = props[key];
    const { min, max } = EDGE_TIMEOUT_LIMITS[key];
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new ValidationError(`${key} ${value} must be a whole number of seconds from ${min} to ${max}`, scope);
    }
  }
  if (props.clientMaxBodySize !== undefined && !NGINX_SIZE.test(props.clientMaxBodySize)) {
    throw new ValidationError(
      `clientMaxBodySize "${props.clientMaxBodySize}" must be an nginx size such as "10m" (digits and an optional k or m)`,
      scope,
    );
  }
}
