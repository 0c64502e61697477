/**
 * Environment-file sections `tls` and `edge`: certificates and the nginx/edge fronts
 * (XiVO CC documentation, "System Configuration"; Cisco's "UCCX Certificates: Self-Signed and CA-Signed" configuration guide;
 * Cisco community discussion "Using a Reverse Proxy between Agent Browser and Finesse Servers"; XiVO documentation, "CTI Server").
 * Owned by the NginxFront / TLS feature.
 */
import { z } from 'zod';
import { EDGE_DEFAULTS, EDGE_TIMEOUT_LIMITS, NGINX_SIZE } from '../constructs/nginx/edge-defaults';
import { CERTIFICATE_DEFAULTS } from '../constructs/tls/key-spec';
import { ASTERISK_WEBSOCKET, DEFAULT_EXTRA_EDGE_ZONE, RateZone } from '../catalogue/routes';
import { ROUTE_PATH } from '../constructs/nginx/front-routes';

const EDGE_ZONES = Object.values(RateZone) as [RateZone, ...RateZone[]];
import { filePath } from './input-files';
import { hostNearMiss, isDnsName } from './host-names';

/** A fully qualified DNS name: the pattern (for editors), then the all-digit last label that the pattern lets through. */
const FQDN_PATTERN = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;
const DNS_NAME_MESSAGE = 'must be a fully qualified DNS name (e.g. "cc.example.com")';
const dnsName = z
  .string()
  .regex(FQDN_PATTERN, { abort: true, error: (issue) => hostNearMiss(String(issue.input)) ?? DNS_NAME_MESSAGE })
  .refine(isDnsName, { error: (issue) => hostNearMiss(String(issue.input)) ?? DNS_NAME_MESSAGE });

/** How the certificates of the fronts and of the PBX are made. */
export const TLS_MODES = ['internal-ca', 'self-signed', 'provided'] as const;

/** An operator's certificate: files on the machine running Terraform, relative to the environment file. */
export const providedCertificateSchema = z
  .object({
    certFile: filePath.describe('PEM server certificate (the leaf)'),
    keyFile: filePath.describe(
      'PEM private key of certFile; read by Terraform at plan time, and at synth (when present) only to check that it matches certFile, never written to cdktf.out',
    ),
    chainFiles: z
      .array(filePath)
      .default([])
      .describe('PEM intermediate and root certificates, in any order: the chain is ordered and checked at synth'),
  })
  .strict();
export type ProvidedCertificateSpec = z.infer<typeof providedCertificateSchema>;

const keySchema = z
  .object({
    algorithm: z.enum(['RSA', 'ECDSA'], { message: 'must be "RSA" or "ECDSA"' }).default(CERTIFICATE_DEFAULTS.key.algorithm),
    rsaBits: z
      .union([z.literal(2048), z.literal(3072), z.literal(4096)], {
        message: 'must be 2048, 3072 or 4096: RSA keys under 2048 bits are refused (certificate guidance for contact centres)',
      })
      .default(CERTIFICATE_DEFAULTS.key.rsaBits),
    ecdsaCurve: z.enum(['P256', 'P384'], { message: 'must be "P256" or "P384"' }).default(CERTIFICATE_DEFAULTS.key.ecdsaCurve),
  })
  .strict();

const routeSchema = z
  .object({
    path: z.string().regex(ROUTE_PATH, { message: 'must be a URL path starting with "/" (e.g. "/myapp")' }),
    service: z.string().describe('Catalogue service id the path is proxied to, e.g. "cc.kibana"'),
    port: z.string().optional().describe('Port name of the service. Default: its first port'),
    websocket: z.boolean().default(false).describe('Forward WebSocket upgrades (long timeouts)'),
    edge: z.boolean().default(false).describe('Publish the path on the edge proxy too (default: internal front only)'),
    zone: z
      .enum(EDGE_ZONES, { message: `must be one of ${EDGE_ZONES.join(', ')} (XiVO Edge's rate-limit zones)` })
      .optional()
      .describe(
        `Rate-limit zone on the edge (with edge: true). Default: XiVO Edge's zone for the path (Meetingroom, desktop apps), else ${DEFAULT_EXTRA_EDGE_ZONE}`,
      ),
  })
  .strict();
export type RouteSpec = z.infer<typeof routeSchema>;

const sipWebSocketSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Route /wssip and /wssip-<mds> (front and edge)'),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(ASTERISK_WEBSOCKET.port)
      .describe(
        `Port of Asterisk's HTTP server on the PBX and each MDS (XiVO: ${ASTERISK_WEBSOCKET.port}; its bindaddr must accept the front's address)`,
      ),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, { message: 'must be a URL path starting with "/" (e.g. "/ws")' })
      .default(ASTERISK_WEBSOCKET.path)
      .describe(`WebSocket URI of Asterisk (inferred: ${ASTERISK_WEBSOCKET.path}, res_http_websocket's default)`),
  })
  .strict();
export type SipWebSocketSpec = z.infer<typeof sipWebSocketSchema>;

export const tlsSchema = z
  .object({
    mode: z
      .enum(TLS_MODES, { message: `must be one of ${TLS_MODES.join(', ')}` })
      .default('internal-ca')
      .describe("internal-ca (default): an environment CA signs every server certificate; self-signed; provided: the operator's files"),
    key: keySchema.default({ ...CERTIFICATE_DEFAULTS.key }).describe('Key of generated certificates'),
    validityDays: z
      .number()
      .int()
      .min(1)
      .max(825)
      .default(CERTIFICATE_DEFAULTS.validityDays)
      .describe('Validity of generated server certificates (days)'),
    earlyRenewalDays: z
      .number()
      .int()
      .min(0)
      .default(CERTIFICATE_DEFAULTS.earlyRenewalDays)
      .describe('A certificate this close to expiry is re-issued by the next deploy'),
    caValidityDays: z.number().int().min(30).max(7300).default(CERTIFICATE_DEFAULTS.caValidityDays).describe('Validity of the internal CA (days)'),
    extraNames: z.array(dnsName).default([]).describe('More DNS names of the XiVO CC / UC-Addon front certificate'),
    provided: providedCertificateSchema.optional().describe('mode provided: the front certificate (xivoxc.crt)'),
    cti: z
      .object({
        authBackend: z
          .string()
          .regex(/^[a-z][a-z0-9_]*$/, { message: 'must be a xivo-auth backend name such as "ldap_user"' })
          .optional()
          .describe('xivo-ctid authentication backend (/etc/xivo-ctid/conf.d; XiVO "CTI Server")'),
        provided: providedCertificateSchema.optional().describe('mode provided: the CTI STARTTLS certificate; without it XiVO keeps its own'),
      })
      .strict()
      .optional(),
    routes: z.array(routeSchema).default([]).describe('More paths of the fronts, each to a catalogue service'),
    sipWebSocket: sipWebSocketSchema
      .default({ enabled: true, port: ASTERISK_WEBSOCKET.port, path: ASTERISK_WEBSOCKET.path })
      .describe("SIP over WebSocket (WebRTC): /wssip to the PBX's Asterisk, /wssip-<mds> to each MDS"),
  })
  .strict();

export const edgeSchema = z
  .object({
    publicName: dnsName.describe('Name users open from outside; never an internal name'),
    provided: providedCertificateSchema.optional().describe('mode provided: the edge certificate'),
    rateLimits: z.boolean().default(EDGE_DEFAULTS.rateLimits).describe('Per-route rate limits of XiVO Edge (private addresses exempt)'),
    exemptNetworks: z
      .array(z.union([z.cidrv4(), z.cidrv6()], { message: 'must be an IPv4 or IPv6 network in CIDR form, e.g. "10.0.0.0/8" or "fd00::/8"' }))
      .default([...EDGE_DEFAULTS.exemptNetworks])
      .describe('Client networks exempt from rate limits'),
    clientMaxBodySize: z.string().regex(NGINX_SIZE, { message: 'must be an nginx size such as "10m"' }).default(EDGE_DEFAULTS.clientMaxBodySize),
    timeoutSeconds: z
      .number()
      .int()
      .min(EDGE_TIMEOUT_LIMITS.timeoutSeconds.min)
      .max(EDGE_TIMEOUT_LIMITS.timeoutSeconds.max)
      .default(EDGE_DEFAULTS.timeoutSeconds)
      .describe('Upstream timeout of HTTP requests'),
    websocketTimeoutSeconds: z
      .number()
      .int()
      .min(EDGE_TIMEOUT_LIMITS.websocketTimeoutSeconds.min)
      .max(EDGE_TIMEOUT_LIMITS.websocketTimeoutSeconds.max)
      .default(EDGE_DEFAULTS.websocketTimeoutSeconds)
      .describe('Idle timeout of WebSockets'),
  })
  .strict();

export type TlsSpec = z.infer<typeof tlsSchema>;
export type EdgeSpec = z.infer<typeof edgeSchema>;
