/** Probes of deployed fronts: HTTPS (SNI, verified with a given CA), WebSocket upgrades, retries while containers start. */
import * as https from 'https';

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** The RFC 6455 example key and the accept value a server must answer with it. */
export const WEBSOCKET_HEADERS = {
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
};
export const WEBSOCKET_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** GET https://<servername><urlPath> at `address`:443, trusting only `ca`. A WebSocket upgrade resolves on the 101. */
export function httpsGet(
  address: string,
  servername: string,
  urlPath: string,
  ca: Buffer,
  headers: Record<string, string> = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: address, port: 443, path: urlPath, servername, ca, headers: { Host: servername, ...headers }, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${servername}${urlPath}`)));
    req.on('error', reject);
    req.end();
  });
}

/** `fn` until `ok` (at most `attempts` times, 0.5 s apart): containers may still be starting. */
export async function retry<T>(fn: () => Promise<T>, ok: (t: T) => boolean, attempts = 30): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch {
      /* not answering yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return last ?? fn();
}
