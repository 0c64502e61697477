/**
 * The secret inventory of Terraform states (issue 20): per state, the private keys it holds (by the
 * SHA-256 fingerprint of their public key, named after the one `tls_private_key` that made them,
 * never the key itself), how many PEM private-key blocks are in it, and which of the deploy's secrets
 * (the token, each password) appear in it. States are read as JSON; every string is searched, and
 * base64 strings are searched once decoded (a `content_base64` upload).
 */
import * as crypto from 'crypto';

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
const BASE64 = /^[A-Za-z0-9+/]{64,}={0,2}$/;

export interface StateInventory {
  /** Each private key once: `<owner stack>/<tls_private_key name>` (or `unowned`) and its public key's fingerprint. */
  readonly privateKeys: { readonly key: string; readonly fingerprint: string }[];
  /** PEM private-key blocks in the state, copies included (a key in a resource, a CSR's attributes, an upload...). */
  readonly pemPrivateKeyBlocks: number;
  /** Names of the deploy's secrets found in the state. */
  readonly secrets: string[];
}

/** Every string of a JSON value, and the decoded text of each base64 string. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return BASE64.test(value) ? [value, Buffer.from(value, 'base64').toString('latin1')] : [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** `SHA256:<base64>` of the DER public key of a PEM private key (what `ssh-keygen -l` shows for ssh keys). */
export function publicKeyFingerprint(pem: string): string {
  const der = crypto.createPublicKey(crypto.createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
  return `SHA256:${crypto.createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

/** A `tls_private_key` resource name without cdktf's hash suffix: `InternalCa_key`. */
const keyName = (name: string) => name.replace(/_[0-9A-F]{8}$/, '');

/** The inventory of every state (stack → parsed state), the secrets given by name → value. */
export function secretInventory(states: Record<string, any>, secrets: Record<string, string>): Record<string, StateInventory> {
  // Who made each key: the state whose tls_private_key holds it. Node reads no OpenSSH key: those
  // (tls_private_key's private_key_openssh) are known by the PEM of the same resource.
  const owners = new Map<string, string>();
  const openssh = new Map<string, string>();
  for (const [stack, state] of Object.entries(states)) {
    for (const resource of state.resources ?? []) {
      if (resource.type !== 'tls_private_key' || resource.mode !== 'managed') continue;
      for (const instance of resource.instances ?? []) {
        const pem = instance.attributes?.private_key_pem;
        if (!pem) continue;
        owners.set(publicKeyFingerprint(pem), `${stack}/${keyName(resource.name)}`);
        if (instance.attributes.private_key_openssh) openssh.set(instance.attributes.private_key_openssh.trim(), publicKeyFingerprint(pem));
      }
    }
  }
  return Object.fromEntries(
    Object.entries(states).map(([stack, state]) => {
      const texts = stringsOf(state);
      const blocks = texts.flatMap((t) => t.match(PEM_PRIVATE_KEY) ?? []);
      const fingerprint = (block: string) =>
        block.includes('OPENSSH')
          ? (openssh.get(block.trim()) ?? `openssh:${crypto.createHash('sha256').update(block).digest('hex').slice(0, 16)}`)
          : publicKeyFingerprint(block);
      const fingerprints = [...new Set(blocks.map(fingerprint))];
      const privateKeys = fingerprints
        .map((fingerprint) => ({ key: owners.get(fingerprint) ?? 'unowned', fingerprint }))
        .sort((a, b) => a.key.localeCompare(b.key));
      const found = Object.entries(secrets)
        .filter(([, value]) => {
          const forms = [value, JSON.stringify(value), JSON.stringify(value).slice(1, -1)];
          return texts.some((t) => forms.some((f) => t.includes(f)));
        })
        .map(([name]) => name)
        .sort();
      return [stack, { privateKeys, pemPrivateKeyBlocks: blocks.length, secrets: found }];
    }),
  );
}

/** The inventory without fingerprints (which change with every deploy): what a test compares with its expected table. */
export function inventoryTable(inventory: Record<string, StateInventory>): Record<string, { privateKeys: string[]; secrets: string[] }> {
  return Object.fromEntries(
    Object.entries(inventory).map(([stack, i]) => [stack, { privateKeys: i.privateKeys.map((k) => k.key), secrets: i.secrets }]),
  );
}
