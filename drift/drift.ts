/**
 * Drift: what differs on each server from the last deploy, found without changing anything.
 *
 * Two sources, because Terraform cannot see inside the files it uploaded through a helper
 * container (HostFile, EnvFileKeys: the upload is written once, never read back):
 *
 * - `terraform plan -refresh-only` of each stack: containers, networks, volumes and images as
 *   the Docker API shows them against the state. Each service container is also inspected,
 *   to say "stopped" or "removed" rather than a replacement.
 * - The files: the state holds what each helper uploaded (its content, secrets included); each
 *   host file is read back through the Docker API (a helper container, never started, the
 *   file's directory mounted read-only, the archive endpoint) and their SHA-256 compared; for
 *   a custom.env only the keys we manage are compared, each named when it differs (never its
 *   value), the installer's and operator's own lines being theirs.
 *
 * Certificates: every certificate of the state (internal CA, servers, CTI) and every provided
 * file a stack reads, with its expiry; those within `certificateDays` are reported. The
 * internal ones are renewed on that run by the caller (drift/cli.ts: a deploy that replaces
 * them); a provided one names the file to replace.
 */
import { createHash, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DockerApi } from '../discover/docker-api';
import { parseEnvFile } from '../discover/mapping';
import { firstFileOfTar } from '../discover/tar';
import { encryptedEnvironment } from '../deploy/state-encryption';
import { automationEnvironment, initIfNeeded, terraform } from '../deploy/terraform';
import { EstateStack } from '../backup/estate';
import { LabelList, labelRecord } from '../constructs/labels';
import { splitPemCertificates } from '../constructs/xuc/auth-checks';
import { inspectContainer, mountHelper } from '../backup/host-jobs';

export type DriftKind =
  | 'container-edited'
  | 'container-stopped'
  | 'container-removed'
  | 'env-key-edited'
  | 'env-key-missing'
  | 'host-file-changed'
  | 'host-file-missing'
  | 'resource-changed';

export interface DriftFinding {
  readonly stack: string;
  readonly server: string;
  readonly kind: DriftKind;
  /** Container name, host path, `path KEY`, or resource address. */
  readonly subject: string;
  /** What differs: attribute names, never values. */
  readonly detail: string;
  /** How to put it back as deployed. */
  readonly fix: string;
}

export interface CertificateFinding {
  readonly stack: string;
  readonly server: string;
  readonly source: 'internal' | 'provided';
  /** Resource address (internal) or the file to replace (provided). */
  readonly subject: string;
  readonly commonName: string;
  readonly notAfter: string;
  readonly daysLeft: number;
}

export interface StackDrift {
  readonly stack: string;
  readonly server: string;
  readonly findings: readonly DriftFinding[];
  /** Certificates expiring within the window. */
  readonly certificates: readonly CertificateFinding[];
  /** Why the stack could not be checked (host unreachable, no state...); undefined when checked. */
  readonly unchecked?: string;
  readonly seconds: number;
}

export const EXIT_NO_DRIFT = 0;
export const EXIT_UNCHECKED = 1;
export const EXIT_DRIFT = 2;

interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly values: Record<string, unknown>;
}

interface Upload {
  readonly file: string;
  readonly content?: string;
  readonly content_base64?: string;
}

/** Attributes the provider fills in on read that say nothing about a hand edit. */
const NOISE = new Set(['network_data', 'container_logs', 'exit_code', 'bridge', 'ip_address', 'ip_prefix_length', 'gateway', 'id']);

/**
 * A value with its empty parts left out: the provider reads back `[]`, `{}`, `""`, `false` or `0`
 * where the state holds `null` (an attribute never set), which is no edit. An edit to or from
 * a real value still shows on the other side.
 */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalized).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, normalized(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))) : undefined;
  }
  return value === null || value === '' || value === false || value === 0 ? undefined : value;
}

/** Names of the attributes that differ between two resource values (nested values compared whole, empty values alike). */
export function changedAttributes(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  if (!before || !after) return [];
  return Object.keys({ ...before, ...after })
    .filter((k) => !NOISE.has(k) && JSON.stringify(normalized(before[k])) !== JSON.stringify(normalized(after[k])))
    .sort();
}

/** The managed keys whose value on the host differs from the deployed one (or that are missing). */
export function envKeyDrift(deployed: string, onHost: string): { key: string; kind: 'env-key-edited' | 'env-key-missing' }[] {
  // A key written twice takes its last value, as Docker reads it.
  const host = new Map(parseEnvFile(onHost));
  const out: { key: string; kind: 'env-key-edited' | 'env-key-missing' }[] = [];
  for (const [key, value] of new Map(parseEnvFile(deployed))) {
    if (!host.has(key)) out.push({ key, kind: 'env-key-missing' });
    else if (host.get(key) !== value) out.push({ key, kind: 'env-key-edited' });
  }
  return out;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const uploadBytes = (u: Upload) => (u.content_base64 ? Buffer.from(u.content_base64, 'base64') : Buffer.from(u.content ?? '', 'utf8'));

function stateResources(shown: { values?: { root_module?: Module } }): StateResource[] {
  const out: StateResource[] = [];
  const walk = (m: Module | undefined) => {
    for (const r of m?.resources ?? []) out.push(r);
    for (const c of m?.child_modules ?? []) walk(c);
  };
  walk(shown.values?.root_module);
  return out;
}
interface Module {
  readonly resources?: StateResource[];
  readonly child_modules?: Module[];
}

/** Every certificate of a PEM text (a chain), parsed. */
function certificatesIn(pem: string): X509Certificate[] {
  return splitPemCertificates(pem).flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });
}

const DAY_MS = 24 * 60 * 60 * 1000;
const commonNameOf = (c: X509Certificate) => /CN=([^\n,]+)/.exec(c.subject)?.[1] ?? c.subject;

/**
 * The certificates of a stack that expire within `days` of `now`: the state's tls_* certificates
 * (internal: renewed by a deploy) and the certificate files a stack reads (`${file("…")}` of a
 * HostFile upload: provided, the file named).
 */
export function expiringCertificates(stack: EstateStack, resources: readonly StateResource[], days: number, now = new Date()): CertificateFinding[] {
  const out: CertificateFinding[] = [];
  const limit = now.getTime() + days * DAY_MS;
  const add = (source: CertificateFinding['source'], subject: string, cert: X509Certificate) => {
    const end = new Date(cert.validTo).getTime();
    if (end <= limit)
      out.push({
        stack: stack.info.name,
        server: stack.info.server,
        source,
        subject,
        commonName: commonNameOf(cert),
        notAfter: new Date(end).toISOString(),
        daysLeft: Math.floor((end - now.getTime()) / DAY_MS),
      });
  };
  for (const r of resources.filter((r) => r.mode === 'managed' && /^tls_(self|locally)_signed_cert$/.test(r.type)))
    for (const cert of certificatesIn(String(r.values.cert_pem ?? ''))) add('internal', r.address, cert);
  const config = JSON.parse(fs.readFileSync(path.join(stack.info.dir, 'cdk.tf.json'), 'utf8')) as {
    resource?: { docker_container?: Record<string, { upload?: { content?: string }[] }> };
  };
  const files = new Set<string>();
  for (const c of Object.values(config.resource?.docker_container ?? {}))
    for (const u of c.upload ?? []) for (const m of (u.content ?? '').matchAll(/file\("([^"]+)"\)/g)) files.add(path.resolve(stack.info.dir, m[1]));
  for (const file of [...files].sort()) {
    if (!fs.existsSync(file)) continue;
    for (const cert of certificatesIn(fs.readFileSync(file, 'utf8'))) add('provided', path.relative(process.cwd(), file), cert);
  }
  return out;
}

/** Reads host files (absolute paths) through a helper with each directory mounted read-only; null when absent. */
async function readHostFiles(api: DockerApi, image: string, files: readonly string[]): Promise<Map<string, Buffer | null>> {
  const out = new Map<string, Buffer | null>();
  const byDir = new Map<string, string[]>();
  for (const f of files) byDir.set(path.posix.dirname(f), [...(byDir.get(path.posix.dirname(f)) ?? []), f]);
  for (const [dir, inDir] of byDir) {
    let helper: Awaited<ReturnType<typeof mountHelper>>;
    try {
      helper = await mountHelper(api, image, [`${dir}:/host:ro`]);
    } catch (e) {
      if (/does not exist|no such file/i.test((e as Error).message)) {
        inDir.forEach((f) => out.set(f, null));
        continue;
      }
      throw e;
    }
    try {
      for (const f of inDir) {
        const res = await api.request('GET', `/containers/${helper.id}/archive?path=${encodeURIComponent(`/host/${path.posix.basename(f)}`)}`);
        out.set(f, res.status === 200 ? (firstFileOfTar(res.body) ?? Buffer.alloc(0)) : null);
      }
    } finally {
      await helper.release();
    }
  }
  return out;
}

export interface DriftOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Certificates expiring within this many days are reported. @default 30 */
  readonly certificateDays?: number;
  readonly now?: Date;
}

/** The drift of one stack; never throws: what could not be checked is said in `unchecked`. */
export async function stackDrift(stack: EstateStack, options: DriftOptions): Promise<StackDrift> {
  const t0 = Date.now();
  const base = { stack: stack.info.name, server: stack.info.server };
  const unchecked = (why: string): StackDrift => ({ ...base, findings: [], certificates: [], unchecked: why, seconds: (Date.now() - t0) / 1000 });
  const plainEnv = automationEnvironment(options.env);
  // An encrypted state (backend.encryption) is read with the same TF_ENCRYPTION as deploy's.
  const encrypted = encryptedEnvironment(stack.info, plainEnv);
  if (encrypted.problem !== undefined) return unchecked(encrypted.problem);
  const env = encrypted.env;
  const init = await initIfNeeded(stack.info.dir, env, false);
  if (init && init.code !== 0) return unchecked(`terraform init failed: ${init.text.trim().slice(-1000)}`);
  const state = await terraform(stack.info.dir, ['show', '-json'], env);
  if (state.code !== 0) return unchecked(`terraform show failed: ${state.text.trim().slice(-1000)}`);
  // `show -json` prints one JSON line: terraform() parses it as its first message.
  const resources = stateResources((state.messages[0] ?? {}) as { values?: { root_module?: Module } }).filter((r) => r.mode === 'managed');
  if (!resources.length) return unchecked('no state: deploy first');

  const findings: DriftFinding[] = [];
  const redeploy = `npm run deploy -- --env ${stack.info.environment}`;
  // A file uploaded by a helper is written again only when its writer is replaced.
  const rewrite = (address: string) => `terraform -chdir=${stack.info.dir} apply -replace='${address}'`;
  const api = new DockerApi(stack.connection);
  try {
    // The containers first, through the Docker API: the provider's refresh of a stopped container
    // that must run *removes* it (resourceDockerContainerRead), so it is never refreshed here.
    const explained = new Set<string>();
    const stopped = new Set<string>();
    for (const r of resources.filter((r) => r.type === 'docker_container')) {
      const v = r.values;
      if (v.start === false || v.must_run === false) continue;
      const name = String(v.name);
      const inspect = await inspectContainer(api, name);
      if (!inspect) findings.push({ ...base, kind: 'container-removed', subject: name, detail: 'no such container', fix: redeploy });
      else if (!inspect.State.Running) {
        findings.push({ ...base, kind: 'container-stopped', subject: name, detail: `status ${inspect.State.Status}`, fix: redeploy });
        stopped.add(r.address);
      } else continue;
      explained.add(r.address);
    }
    const targets = stopped.size ? resources.filter((r) => !stopped.has(r.address)).map((r) => `-target=${r.address}`) : [];
    const planFile = path.join('.terraform', 'xivo-drift.tfplan');
    const plan = await terraform(
      stack.info.dir,
      ['plan', '-refresh-only', '-detailed-exitcode', '-lock=false', '-input=false', '-no-color', ...targets, `-out=${planFile}`],
      env,
    );
    if (plan.code === 1) return unchecked(`terraform plan -refresh-only failed: ${plan.text.trim().slice(-1500)}`);
    const shownPlan = await terraform(stack.info.dir, ['show', '-json', planFile], env);
    fs.rmSync(path.join(stack.info.dir, planFile), { force: true });
    if (shownPlan.code !== 0) return unchecked(`terraform show failed: ${shownPlan.text.trim().slice(-1000)}`);
    const drifted = ((shownPlan.messages[0] as { resource_drift?: unknown[] } | undefined)?.resource_drift ?? []) as {
      address: string;
      type: string;
      change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
    }[];
    for (const d of drifted) {
      if (explained.has(d.address)) continue;
      const attributes = changedAttributes(d.change.before, d.change.after);
      if (d.change.actions.includes('delete') || !d.change.after) {
        findings.push({
          ...base,
          kind: d.type === 'docker_container' ? 'container-removed' : 'resource-changed',
          subject: d.address,
          detail: 'deleted outside Terraform',
          fix: redeploy,
        });
        continue;
      }
      if (!attributes.length) continue;
      const name = d.type === 'docker_container' ? String(d.change.before?.name ?? d.address) : d.address;
      findings.push({
        ...base,
        kind: d.type === 'docker_container' ? 'container-edited' : 'resource-changed',
        subject: name,
        detail: attributes.join(', '),
        fix: redeploy,
      });
    }

    // Host files and custom.env keys: what the state says was uploaded, against the host.
    const hostFiles: { path: string; bytes: Buffer; address: string }[] = [];
    const envFiles: { path: string; managed: string; address: string }[] = [];
    for (const r of resources.filter((r) => r.type === 'docker_container')) {
      const labels = labelRecord(r.values.labels as LabelList | undefined);
      const target = labels['org.xivo.host-file'];
      if (!target) continue;
      const uploads = (r.values.upload ?? []) as Upload[];
      if (labels['org.xivo.job'] === 'env-file-keys') {
        const managed = uploads.find((u) => u.file.endsWith('/managed.env'));
        if (managed) envFiles.push({ path: target, managed: uploadBytes(managed).toString('utf8'), address: r.address });
      } else if (uploads.length === 1) hostFiles.push({ path: target, bytes: uploadBytes(uploads[0]), address: r.address });
    }
    if (hostFiles.length || envFiles.length) {
      if (!stack.helperImage) return unchecked('no helper image in the stack to read host files with');
      const read = await readHostFiles(api, stack.helperImage, [...hostFiles.map((f) => f.path), ...envFiles.map((f) => f.path)]);
      for (const f of hostFiles) {
        const got = read.get(f.path);
        if (got === null || got === undefined)
          findings.push({ ...base, kind: 'host-file-missing', subject: f.path, detail: 'no such file on the host', fix: rewrite(f.address) });
        else if (sha256(got) !== sha256(f.bytes))
          findings.push({
            ...base,
            kind: 'host-file-changed',
            subject: f.path,
            detail: `sha256 ${sha256(got).slice(0, 12)}…, deployed ${sha256(f.bytes).slice(0, 12)}…`,
            fix: rewrite(f.address),
          });
      }
      for (const f of envFiles) {
        const got = read.get(f.path);
        if (got === null || got === undefined) {
          findings.push({ ...base, kind: 'host-file-missing', subject: f.path, detail: 'no such file on the host', fix: rewrite(f.address) });
          continue;
        }
        for (const k of envKeyDrift(f.managed, got.toString('utf8')))
          findings.push({
            ...base,
            kind: k.kind,
            subject: `${f.path} ${k.key}`,
            detail: k.kind === 'env-key-missing' ? 'managed key absent' : 'value differs from the deployed one',
            fix: rewrite(f.address),
          });
      }
    }
  } catch (e) {
    return unchecked(`Docker host ${stack.connection.host}: ${(e as Error).message}`);
  } finally {
    api.close();
  }
  const certificates = expiringCertificates(stack, resources, options.certificateDays ?? 30, options.now);
  return { ...base, findings, certificates, seconds: (Date.now() - t0) / 1000 };
}

/** The exit code of a drift run: 1 when a stack could not be checked, 2 when something differs (or a provided certificate is to replace), else 0. */
export function driftExitCode(results: readonly StackDrift[]): number {
  if (results.some((r) => r.unchecked)) return EXIT_UNCHECKED;
  if (results.some((r) => r.findings.length || r.certificates.some((c) => c.source === 'provided'))) return EXIT_DRIFT;
  return EXIT_NO_DRIFT;
}

/** One line per finding, per stack: what the CLI prints. */
export function renderDrift(results: readonly StackDrift[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.unchecked) lines.push(`${r.server}: could not check: ${r.unchecked}`);
    else if (!r.findings.length) lines.push(`${r.server}: no drift (${r.seconds.toFixed(1)} s)`);
    else {
      lines.push(`${r.server}: ${r.findings.length} difference${r.findings.length === 1 ? '' : 's'} from the last deploy:`);
      for (const f of r.findings) lines.push(`  ${f.kind}: ${f.subject}: ${f.detail}\n    fix: ${f.fix}`);
    }
    for (const c of r.certificates)
      lines.push(
        `  certificate ${c.commonName} expires ${c.notAfter} (${c.daysLeft} days): ${c.source === 'provided' ? `replace ${c.subject}` : `internal (${c.subject}): renewed by this run's deploy`}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
