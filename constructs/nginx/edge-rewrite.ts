/**
 * How the edge proxy keeps internal names out of what it returns ("Using a Reverse Proxy between Agent Browser and Finesse Servers"): the nginx lines
 * that rewrite redirects, cookies, headers and text bodies to the edge's public name.
 *
 * Vectors and what is done with each:
 * - `Location` / `Refresh` redirects: `proxy_redirect`, case-insensitive, for `http(s)://`,
 *   scheme-relative `//host` and `ws(s)://`, with or without a port or a trailing dot.
 * - cookies: `proxy_cookie_domain`, case-insensitive, leading and trailing dots.
 * - `Content-Location`, `Link`, `Access-Control-Allow-Origin`, `Content-Security-Policy`(-Report-Only),
 *   `WWW-Authenticate`: each internal name rewritten (up to REWRITES_PER_HEADER per header);
 *   a header still holding one after that is dropped.
 * - `Via`, `X-Powered-By`, `X-Upstream`, `Server` versions: dropped.
 * - bodies of REWRITTEN_TYPES (and text/html): `sub_filter`, case-insensitive. The front is asked
 *   for identity bodies (`Accept-Encoding` removed upstream); a body compressed anyway is
 *   decompressed (`gunzip`) before the rewrite for every client that sends a User-Agent.
 *
 * Not rewritten, by construction: WebSocket frames (the CTI and SIP WebSockets are a byte
 * stream once upgraded: nginx does not parse them), bodies of other types (images, fonts,
 * binary downloads), and a compressed body sent to a client without a User-Agent. Bodies have no
 * word boundaries (sub_filter): an internal address that prefixes another (`10.0.0.3`, `10.0.0.35`)
 * is rewritten inside it; headers rewrite whole names only.
 */

/**
 * Body types rewritten besides text/html (always rewritten by sub_filter): every textual type a
 * web application returns, legacy JavaScript types and JSON API types (`+json`, `+xml` suffixes)
 * included. sub_filter_types takes exact types, so each is listed; any other type (images, fonts,
 * downloads) passes unchanged.
 */
export const REWRITTEN_TYPES = [
  'text/css',
  'text/javascript',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'text/ecmascript',
  'application/json',
  'application/x-json',
  'text/json',
  'application/vnd.api+json',
  'application/hal+json',
  'application/geo+json',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/x-ndjson',
  'application/soap+xml',
  'text/plain',
  'text/xml',
  'application/xml',
  'application/xhtml+xml',
  'image/svg+xml',
  'application/manifest+json',
  'text/event-stream',
  'application/problem+json',
  'application/ld+json',
  'application/rss+xml',
  'application/atom+xml',
] as const;

/** Response headers whose value is rewritten, and their nginx variable stem. */
export const REWRITTEN_HEADERS: readonly (readonly [string, string])[] = [
  ['Access-Control-Allow-Origin', 'access_control_allow_origin'],
  ['Content-Location', 'content_location'],
  ['Content-Security-Policy', 'content_security_policy'],
  ['Content-Security-Policy-Report-Only', 'content_security_policy_report_only'],
  ['Link', 'link'],
  ['WWW-Authenticate', 'www_authenticate'],
];

/** Response headers dropped at the edge. */
export const DROPPED_HEADERS = ['Via', 'X-Powered-By', 'X-Upstream'] as const;

/** Occurrences of internal names rewritten in one header before it is dropped. */
export const REWRITES_PER_HEADER = 4;

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Longest first: `xivocc-xucmgt` is replaced whole, before `xivocc-xuc` could match its start. */
function orderedHiddenNames(hidden: readonly string[], publicName: string): string[] {
  const lower = publicName.toLowerCase();
  return [...new Set(hidden)].filter((n) => n.toLowerCase() !== lower).sort((a, b) => b.length - a.length || a.localeCompare(b));
}

/** `map` blocks (http level) that compute each rewritten header. */
export function edgeHeaderMaps(publicName: string, hidden: readonly string[]): string[] {
  const names = orderedHiddenNames(hidden, publicName);
  if (names.length === 0) return [];
  // Whole labels only: `cc.example.com` inside `rpx-cc.example.com`, or `10.0.0.3` inside
  // `10.0.0.35`, is another name and is left alone.
  const alternatives = `(?<![A-Za-z0-9-])(?:${names.map(escape).join('|')})`;
  const after = '\\.?(?![A-Za-z0-9-])';
  return REWRITTEN_HEADERS.flatMap(([, stem]) => {
    const lines: string[] = [];
    let previous = `$upstream_http_${stem}`;
    for (let i = 1; i <= REWRITES_PER_HEADER; i++) {
      const current = `$edge_${stem}_${i}`;
      // Positional captures ($1, $2: nginx reads one digit), never `${name}`: this text reaches
      // Terraform, which would read `${…}` as an interpolation and refuse the configuration.
      lines.push(
        '',
        `    map ${previous} ${current} {`,
        `        "~*^(.*?)${alternatives}${after}(.*)$" "$1${publicName}$2";`,
        `        default ${previous};`,
        '    }',
      );
      previous = current;
    }
    lines.push('', `    map ${previous} $edge_${stem} {`, `        "~*${alternatives}${after}" "";`, `        default ${previous};`, '    }');
    return lines;
  });
}

/** Server-level lines of the edge that rewrite or drop what carries internal names. */
export function edgeRewriteLines(publicName: string, hidden: readonly string[]): string[] {
  const names = orderedHiddenNames(hidden, publicName);
  const alternatives = names.map(escape).join('|');
  const hostPart = `(?:${alternatives})\\.?(?::[0-9]+)?`;
  return [
    ...DROPPED_HEADERS.map((h) => `        proxy_hide_header ${h};`),
    '        # Internal names never reach the browser: redirects, cookies, headers and text bodies are rewritten.',
    ...(names.length
      ? [
          `        proxy_redirect ~*^(?:https?:)?//${hostPart}(/.*)?$ https://${publicName}$1;`,
          `        proxy_redirect ~*^wss?://${hostPart}(/.*)?$ wss://${publicName}$1;`,
          `        proxy_cookie_domain ~^\\.?(?:${alternatives})\\.?$ ${publicName};`,
          ...REWRITTEN_HEADERS.flatMap(([header, stem]) => [
            `        proxy_hide_header ${header};`,
            `        add_header ${header} $edge_${stem} always;`,
          ]),
          // The public name first, unchanged: an internal name inside it (`cc.example.com` in
          // `rpx-cc.example.com`) is then never rewritten (the leftmost match wins).
          `        sub_filter '${publicName}' '${publicName}';`,
          ...names.map((n) => `        sub_filter '${n}' '${publicName}';`),
        ]
      : []),
    '        sub_filter_once off;',
    `        sub_filter_types ${REWRITTEN_TYPES.join(' ')};`,
    '        # A body the front compresses anyway is decompressed, so that it can be rewritten.',
    '        gunzip on;',
    '        gzip_disable ".";',
  ];
}
