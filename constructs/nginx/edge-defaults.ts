/**
 * Defaults and bounds of the edge proxy's settings (XiVO Edge's limits): plain data (no cdktf), read
 * by EdgeProxy and by the config layer's schema, which applies the same defaults and bounds.
 */

/** Defaults of the edge's limits (XiVO Edge's). */
export const EDGE_DEFAULTS = {
  rateLimits: true,
  /** Private networks: agents inside never hit the limits. */
  exemptNetworks: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as readonly string[],
  clientMaxBodySize: '10m',
  timeoutSeconds: 60,
  websocketTimeoutSeconds: 3600,
} as const;

/**
 * Bounds of the edge's timeouts, seconds: an HTTP request waits at most an hour; a WebSocket (CTI,
 * SIP) is kept at least a minute (the applications ping less often) and at most a day.
 */
export const EDGE_TIMEOUT_LIMITS = {
  timeoutSeconds: { min: 1, max: 3600 },
  websocketTimeoutSeconds: { min: 60, max: 86400 },
} as const;

/** An nginx size (`client_max_body_size`): digits and an optional k or m. */
export const NGINX_SIZE = /^\d+[km]?$/;
