/**
 * The impact report on real synths of prod, before and after one edit of its environment file:
 * classification by the replacement table, consequences through images, certificates and
 * cross-stack outputs, names without values, exit codes, and the table against the pinned schemas.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildImpactReport, EXIT_NO_WINDOW, EXIT_RESTARTS, ImpactReport } from '../../impact/impact-report';
import { renderMarkdown } from '../../impact/markdown';
import { readStacks } from '../../impact/synth-at-ref';
import { META_ARGUMENTS, REPLACEMENT_TABLE } from '../../impact/replacement-table';
import { synthEnvironments } from '../support/synth';

const PROD = fs.readFileSync(path.join(__dirname, '..', '..', 'environments', 'prod.yaml'), 'utf8');

function synthProd(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-impact-env-'));
  fs.writeFileSync(path.join(dir, 'prod.yaml'), text);
  return readStacks(synthEnvironments(path.join(dir, 'prod.yaml')).outdir);
}

const base = synthProd(PROD);

/** The report of prod after replacing `from` by `to` in its environment file. */
function impactOf(from: string | RegExp, to: string): ImpactReport {
  const edited = PROD.replace(from, to);
  if (edited === PROD) throw new Error(`prod.yaml does not contain ${from}`);
  return buildImpactReport(base, synthProd(edited), 'test');
}

/** `stack service-or-address action: why` for every change, sorted. */
function changesOf(report: ImpactReport): string[] {
  return report.environments
    .flatMap((e) => e.stacks)
    .flatMap((s) => [
      ...s.containers.map((c) => `${s.stack} ${c.service} ${c.action}: ${c.why.join('; ')}`),
      ...s.others.map((o) => `${s.stack} ${o.path} ${o.action}: ${o.why.join('; ')}`),
    ])
    .sort();
}

test('no change: nothing listed, exit 0', () => {
  const report = buildImpactReport(base, base, 'test');
  expect(changesOf(report)).toEqual([]);
  expect(report.exitCode).toBe(EXIT_NO_WINDOW);
  expect(report.environments.map((e) => e.summary)).toEqual(['prod: no change']);
});

test('an env value changed: the container is replaced, the key is named and its value is not', () => {
  const report = impactOf('loginTimeoutMs: 7000', 'loginTimeoutMs: 9000');
  expect(changesOf(report)).toEqual(['prod-cc-core xuc replace: env LOGIN_TIMEOUT_MS', 'prod-uc xuc replace: env LOGIN_TIMEOUT_MS']);
  expect(report.exitCode).toBe(EXIT_RESTARTS);
  expect(JSON.stringify(report)).not.toMatch(/9000|7000/);
});

test('a new image tag replaces the image, and the container through its image_id', () => {
  const report = impactOf(/services:\n {2}cc\.xuc:\n/, 'services:\n  cc.xuc:\n    tag: "2024.10.latest"\n');
  expect(changesOf(report)).toEqual([
    'prod-cc-core prod-cc-core/cc/xuc/service/image replace: name',
    'prod-cc-core xuc replace: image (prod-cc-core/cc/xuc/service/image replaced)',
  ]);
});

test('a memory limit is updated in place: no restart, exit 0', () => {
  const report = impactOf('cc.xuc:\n    memoryMb: 4096', 'cc.xuc:\n    memoryMb: 6144');
  // memory_swap follows memory (Docker's default, twice the limit): both update in place.
  expect(changesOf(report)).toEqual(['prod-cc-core xuc update: memory; memory_swap']);
  expect(report.exitCode).toBe(EXIT_NO_WINDOW);
  expect(report.environments[0].summary).toBe('prod: 0 containers replaced, 0 data volumes at risk');
});

test('an uploaded config file changed: the file is named, not its content', () => {
  const report = impactOf('managerDN: uid=xivo-reader,', 'managerDN: uid=xivo-directory-reader,');
  expect(changesOf(report)).toEqual(['prod-cc-core xuc replace: upload /conf/xuc.conf', 'prod-uc xuc replace: upload /conf/xuc.conf']);
  expect(renderMarkdown(report)).not.toContain('xivo-directory-reader');
});

test('a new internal CA on the PBX replaces the certificates it signs in other stacks, and nginx that serves them', () => {
  const report = impactOf('validityDays: 397', 'validityDays: 397\n  caValidityDays: 3000');
  // The PBX stack signs every certificate (the CA key stays in its state): consequences start there.
  expect(changesOf(report)).toEqual([
    'prod-cc-core /etc/docker/nginx/ssl/xivoxc.crt replace: upload (prod-pbx/InternalCa/issued/prod-cc-core_cc_nginx_certificate/cert replaced)',
    'prod-cc-core nginx replace: labels (prod-pbx/InternalCa/issued/prod-cc-core_cc_nginx_certificate/cert replaced)',
    'prod-edge /etc/docker/edge/nginx/ssl/edge.crt replace: upload (prod-pbx/InternalCa/issued/prod-edge_edge_nginx_certificate/cert replaced)',
    'prod-edge /etc/docker/edge/nginx/ssl/upstream-ca.crt replace: upload (prod-pbx/InternalCa/cert replaced)',
    'prod-edge nginx replace: labels (prod-pbx/InternalCa/issued/prod-edge_edge_nginx_certificate/cert replaced)',
    'prod-pbx /usr/share/xivo-certs/server.crt replace: upload /host/server.crt (prod-pbx/xivo/tls/cti-certificate/cert replaced)',
    'prod-pbx prod-pbx/InternalCa/cert replace: validity_period_hours',
    'prod-pbx prod-pbx/InternalCa/export replace: content (prod-pbx/InternalCa/cert replaced)',
    'prod-pbx prod-pbx/InternalCa/issued/prod-cc-core_cc_nginx_certificate/cert replace: ca_cert_pem (prod-pbx/InternalCa/cert replaced)',
    'prod-pbx prod-pbx/InternalCa/issued/prod-edge_edge_nginx_certificate/cert replace: ca_cert_pem (prod-pbx/InternalCa/cert replaced)',
    'prod-pbx prod-pbx/InternalCa/issued/prod-uc_ucaddon_nginx_certificate/cert replace: ca_cert_pem (prod-pbx/InternalCa/cert replaced)',
    'prod-pbx prod-pbx/xivo/tls/cti-certificate/cert replace: ca_cert_pem (prod-pbx/InternalCa/cert replaced)',
    'prod-uc /etc/docker/nginx/ssl/xivoxc.crt replace: upload (prod-pbx/InternalCa/issued/prod-uc_ucaddon_nginx_certificate/cert replaced)',
    'prod-uc nginx replace: labels (prod-pbx/InternalCa/issued/prod-uc_ucaddon_nginx_certificate/cert replaced)',
  ]);
  expect(report.environments[0].summary).toBe('prod: 3 containers replaced on 3 servers (nginx), 0 data volumes at risk');
});

test('the Markdown report of a certificate renewal', () => {
  expect(renderMarkdown(impactOf('validityDays: 397', 'validityDays: 396'))).toMatchSnapshot();
});

/** Arguments of a resource type in the pinned provider schema, as the cdktf binding renders them. */
function bindingArguments(module: string): string[] {
  const source = fs.readFileSync(require.resolve(`@cdktf/provider-${module}`), 'utf8');
  const body = source.slice(source.indexOf('synthesizeAttributes() {'));
  return [...body.slice(0, body.indexOf('\n    }\n')).matchAll(/^ {12}([a-z_0-9]+): /gm)].map((m) => m[1]);
}

test.each([
  ['docker_container', 'docker/lib/container'],
  ['docker_image', 'docker/lib/image'],
  ['docker_volume', 'docker/lib/volume'],
  ['docker_network', 'docker/lib/network'],
  ['tls_private_key', 'tls/lib/private-key'],
  ['tls_cert_request', 'tls/lib/cert-request'],
  ['tls_self_signed_cert', 'tls/lib/self-signed-cert'],
  ['tls_locally_signed_cert', 'tls/lib/locally-signed-cert'],
  ['local_file', 'local/lib/file'],
])('the replacement table classifies every argument of %s in the pinned schema', (type, module) => {
  const rules = REPLACEMENT_TABLE[type];
  const classified = new Set([...rules.forceNew, ...rules.inPlace, ...META_ARGUMENTS, 'id']);
  const args = bindingArguments(module);
  expect(args.length).toBeGreaterThan(2);
  expect(args.filter((a) => !classified.has(a))).toEqual([]);
});

test('a release upgrade replaces the containers but no data volume: volume labels are ignored after creation', () => {
  const report = impactOf('release: "2024.05"', 'release: "2024.10"');
  expect(changesOf(report).filter((c) => / (volume|docker_volume)/.test(c))).toEqual([]);
  expect(report.environments[0].summary).toMatch(/, 0 data volumes at risk$/);
});

test('an environment absent at the base (a merge request that adds it): every container created, exit 2', () => {
  const report = buildImpactReport(new Map(), base, 'test', { addedFiles: ['environments/prod.yaml'] });
  const [prod] = report.environments;
  expect(prod.added).toBe(true);
  expect(prod.summary).toBe(`prod: new environment, ${prod.containersCreated} containers created on 7 servers`);
  expect(prod.containersCreated).toBeGreaterThan(10);
  // Everything is created, but for the data volume prod adopts from the running installation.
  expect(changesOf(report).filter((c) => !/ create: new in this change$/.test(c))).toEqual([
    'prod-cc-core prod-cc-core/cc/pgxivocc/volume-data import: adopted: imported from the running installation',
  ]);
  expect(report.exitCode).toBe(EXIT_RESTARTS);
  expect(report.addedFiles).toEqual(['environments/prod.yaml']);
  expect(renderMarkdown(report)).toContain(
    '**Verdict:** new environment `prod`: every container is created; on servers taken over, what runs there stops first (runbook takeover.md): deploy in a maintenance window (exit 2).',
  );
});

describe('a provided certificate chain listed in another order restarts nothing', () => {
  const CORP = fs.readFileSync(path.join(__dirname, '..', '..', 'environments', 'provided-certs.yaml'), 'utf8');
  // One directory for both synths (plan-time paths are relative to it), without the certificate files (git-ignored, as in a fresh clone).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-impact-corp-'));
  function synthCorp(text: string) {
    fs.writeFileSync(path.join(dir, 'corp.yaml'), text);
    return readStacks(synthEnvironments(path.join(dir, 'corp.yaml')).outdir);
  }

  test('files absent: the bundle is rendered in one order whatever the listing (sorted by path)', () => {
    const listed = 'chainFiles: [provided-certs/intermediate.crt, provided-certs/root.crt]';
    expect(CORP).toContain(listed);
    const reordered = CORP.replace(listed, 'chainFiles: [provided-certs/root.crt, provided-certs/intermediate.crt]');
    const report = buildImpactReport(synthCorp(CORP), synthCorp(reordered), 'test');
    expect(changesOf(report)).toEqual([]);
    expect(report.exitCode).toBe(EXIT_NO_WINDOW);
  });

  test('the inputs that could not be compared are listed in the report', () => {
    const notCompared = [
      {
        file: 'environments/provided-certs/xivoxc.crt',
        why: "not in main (git-ignored or untracked): the working tree's file stood in for it at the base, so a change to it is not shown",
      },
    ];
    const report = buildImpactReport(base, base, 'test', { notCompared });
    expect(report.notCompared).toEqual(notCompared);
    expect(renderMarkdown(report)).toContain(
      "### Inputs not compared\n\n- `environments/provided-certs/xivoxc.crt`: not in main (git-ignored or untracked): the working tree's file stood in for it at the base, so a change to it is not shown\n",
    );
    expect(report.exitCode).toBe(EXIT_NO_WINDOW);
  });
});
