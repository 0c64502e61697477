/**
 * The firewall matrix and topology written at synth (cdktf.out/docs/<env>/), derived from the
 * placement and wiring model: the flows the network team needs, following every change of
 * placement or port; the topology drawn by Graphviz compiled to WebAssembly, without starting a program.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEnvironmentFile } from '../../config/loader';
import { Environment } from '../../config/model';
import { flowRows, flowsCsv, FlowRow } from '../../estate/flow-tables';
import { environmentFlows } from '../../estate/flows';
import { topologyDot } from '../../estate/topology-dot';
import { startEstateDocs } from '../../estate/estate-docs';
import { synthEnvironments } from '../support/synth';
import { programsStartedBy } from '../support/no-programs';

const PROD_FILE = path.join(__dirname, '..', '..', 'environments', 'prod.yaml');
const PROD = fs.readFileSync(PROD_FILE, 'utf8');

function loadProd(text = PROD): Environment {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-flows-'));
  fs.writeFileSync(path.join(dir, 'prod.yaml'), text);
  const result = loadEnvironmentFile(path.join(dir, 'prod.yaml'));
  if (!result.environment) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.environment;
}

const rowsOf = (env: Environment) => flowRows(environmentFlows(env));
const line = (r: FlowRow) => `${r.source} -> ${r.destination} ${r.port}/${r.protocol}: ${r.usedBy}`;
const find = (rows: FlowRow[], source: string, destination: string, port: string) =>
  rows.filter((r) => r.source === source && r.destination === destination && r.port === port).map(line);

describe('prod', () => {
  const prod = loadProd();
  const rows = rowsOf(prod);

  test('the flows the network team asks for before go-live', () => {
    expect(find(rows, 'cc-core', 'cc-reporting', '9500')).toEqual([
      'cc-core -> cc-reporting 9500/tcp: nginx → spagobi /SpagoBI; nginx → spagobi (REPORTING_HOST)',
    ]);
    expect(find(rows, 'cc-core', 'mds1', '5038')).toEqual(['cc-core -> mds1 5038/tcp: xuc → MDS Asterisk AMI (over the VoIP address)']);
    expect(find(rows, 'cc-core', 'mds2', '5038')).toEqual(['cc-core -> mds2 5038/tcp: xuc → MDS Asterisk AMI (over the VoIP address)']);
    expect(find(rows, 'browsers (internet)', 'edge', '443')).toEqual([
      'browsers (internet) -> edge 443/tcp: browsers → edge nginx (HTTPS, every web app)',
    ]);
    expect(find(rows, 'edge', 'cc-core', '443')).toEqual(['edge -> cc-core 443/tcp: edge nginx → cc nginx (HTTPS)']);
    expect(find(rows, 'mds1', 'pbx', '5432')).toEqual([
      'mds1 -> pbx 5432/tcp: MDS ← XiVO PostgreSQL replication (the MDS connects to Main) [inferred]',
    ]);
    expect(find(rows, 'cc-reporting', 'cc-core', '5443')).toEqual([
      'cc-reporting -> cc-core 5443/tcp: pack-reporting → pgxivocc (DB_HOST, DB_PORT); spagobi → pgxivocc (DB_HOST, DB_PORT); recording-server → pgxivocc (DB_HOST, DB_PORT)',
    ]);
    expect(find(rows, 'deploy machine (terraform)', 'mds2', '2222')).toEqual([
      'deploy machine (terraform) -> mds2 2222/tcp: terraform → Docker API (ssh)',
    ]);
  });

  test('no flow inside one server, none twice', () => {
    expect(rows.filter((r) => r.source === r.destination)).toEqual([]);
    const keys = rows.map((r) => `${r.source} ${r.destination} ${r.port} ${r.protocol}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('flows.csv quotes fields with commas (RFC 4180) and has a row per flow', () => {
    const csv = flowsCsv(rows);
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('source,source address,destination,destination address,port,protocol,used by');
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines).toContain('cc-core,10.20.0.31,pbx,10.20.0.10,5432,tcp,"xivo-db-replication → XiVO PostgreSQL (cel, queue_log, configuration)"');
  });

  test('the DOT source has a box per server with its services, and an arrow per flow', () => {
    const dot = topologyDot(prod, environmentFlows(prod));
    for (const server of prod.servers) expect(dot).toContain(`subgraph "cluster_${server.name}"`);
    expect(dot).toContain('"cc-core/xivocc-nginx" -> "cc-reporting/xivocc-spagobi" [label="9500/tcp"];');
    expect(dot).toContain('"browsers (internet)" -> "edge/edge-nginx" [label="443/tcp, 80/tcp"];');
  });
});

test('flows follow placement: SpagoBI moved to cc-core is reached locally, and reaches its database locally', () => {
  const rows = rowsOf(loadProd(PROD.replace('services: [cc.pgxivocc,', 'services: [cc.spagobi, cc.pgxivocc,')));
  expect(find(rows, 'cc-core', 'cc-reporting', '9500')).toEqual([]);
  expect(find(rows, 'cc-reporting', 'cc-core', '5443')[0]).not.toContain('spagobi');
});

test('flows follow port overrides', () => {
  const rows = rowsOf(loadProd(PROD.replace('services:\n  cc.xuc:', 'services:\n  cc.spagobi:\n    ports: { http: 9600 }\n  cc.xuc:')));
  expect(find(rows, 'cc-core', 'cc-reporting', '9600')).toEqual([
    'cc-core -> cc-reporting 9600/tcp: nginx → spagobi /SpagoBI; nginx → spagobi (REPORTING_HOST)',
  ]);
});

describe('the firewall matrix follows the path ssh takes (ProxyJump)', () => {
  const SSH = 'sshOpts: ["-o", "StrictHostKeyChecking=yes", "-i", "~/.ssh/xivo_deploy"]';
  // Every internal server through a bastion outside the estate; mds2 with -o ProxyJump=; the edge directly.
  const text = PROD.replace(
    /host: ssh:\/\/deploy@(10\.[\d.]+)(:\d+)?\n(\s+)sshOpts: .*/g,
    (_m, addr: string, port = '', indent: string) =>
      `host: ssh://deploy@${addr}${port}\n${indent}${addr === '10.20.0.22' ? 'sshOpts: ["-o", "ProxyJump=jump@bastion.prod.example.com:2200"]' : 'sshOpts: ["-J", "jump@bastion.prod.example.com:2200", "-i", "~/.ssh/xivo_deploy"]'}`,
  );
  const rows = rowsOf(loadProd(text));
  const deploy = rows.filter((r) => r.usedBy.startsWith('terraform'));

  test('deploy machine → bastion, bastion → each server; no direct ssh flow to a server behind it', () => {
    expect(text.split(SSH).length - 1).toBe(1); // only the edge keeps its direct ssh
    expect(deploy.map(line)).toEqual([
      'deploy machine (terraform) -> jump host bastion.prod.example.com 2200/tcp: terraform → ssh jump host bastion.prod.example.com (ProxyJump)',
      'jump host bastion.prod.example.com -> pbx 22/tcp: terraform → Docker API (ssh, through bastion.prod.example.com)',
      'jump host bastion.prod.example.com -> mds1 22/tcp: terraform → Docker API (ssh, through bastion.prod.example.com)',
      'jump host bastion.prod.example.com -> mds2 2222/tcp: terraform → Docker API (ssh, through bastion.prod.example.com)',
      'jump host bastion.prod.example.com -> cc-core 22/tcp: terraform → Docker API (ssh, through bastion.prod.example.com)',
      'jump host bastion.prod.example.com -> cc-reporting 22/tcp: terraform → Docker API (ssh, through bastion.prod.example.com)',
      'jump host bastion.prod.example.com -> uc 22/tcp: terraform → Docker API (ssh, through bastion.prod.example.com)',
      'deploy machine (terraform) -> edge 22/tcp: terraform → Docker API (ssh)',
    ]);
    expect(flowsCsv(rows)).toContain(
      'deploy machine (terraform),any,jump host bastion.prod.example.com,bastion.prod.example.com,2200,tcp,terraform → ssh jump host bastion.prod.example.com (ProxyJump)\r\n',
    );
    expect(flowsCsv(rows)).toContain('jump host bastion.prod.example.com,bastion.prod.example.com,pbx,10.20.0.10,22,tcp,');
  });

  test('a jump host that is a server of the estate (the edge), in a chain of two, and the port of -p', () => {
    const chained = PROD.replace(
      'host: ssh://deploy@10.20.0.10\n      sshOpts: ["-o", "StrictHostKeyChecking=yes", "-i", "~/.ssh/xivo_deploy"]',
      'host: ssh://deploy@10.20.0.10\n      sshOpts: ["-J", "admin@192.0.2.10,jump@bastion.prod.example.com", "-p", "2022"]',
    );
    const pbx = rowsOf(loadProd(chained)).filter(
      (r) => r.usedBy.startsWith('terraform') && [r.source, r.destination].some((n) => n === 'pbx' || n.startsWith('jump host')),
    );
    expect(pbx.map(line)).toEqual([
      'edge -> jump host bastion.prod.example.com 22/tcp: terraform → ssh jump host bastion.prod.example.com (ProxyJump)',
      'jump host bastion.prod.example.com -> pbx 2022/tcp: terraform → Docker API (ssh, through 192.0.2.10, bastion.prod.example.com)',
    ]);
    expect(find(rowsOf(loadProd(chained)), 'deploy machine (terraform)', 'edge', '22')).toEqual([
      'deploy machine (terraform) -> edge 22/tcp: terraform → ssh jump host 192.0.2.10 (ProxyJump); terraform → Docker API (ssh)',
    ]);
  });
});

test('synth writes topology.dot, flows.md and flows.csv of every environment; flows.md of prod', () => {
  const files = synthEnvironments().files();
  for (const env of ['lab', 'prod', 'sso', 'corp']) {
    for (const name of ['topology.dot', 'flows.md', 'flows.csv']) expect(files.has(`docs/${env}/${name}`)).toBe(true);
  }
  expect(files.get('docs/prod/flows.md')).toMatchSnapshot();
  // The picture in the README is the current one (refresh: npm run synth && cp cdktf.out/docs/prod/topology.{dot,svg} docs/ with the names below).
  expect(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'topology-prod.dot'), 'utf8')).toBe(files.get('docs/prod/topology.dot'));
});

/** The `<title>` of every graph element of a Graphviz SVG (clusters, nodes, edges), entities decoded. */
const titles = (svg: string) =>
  [...svg.matchAll(/<title>([^<]*)<\/title>/g)]
    .map((m) => m[1].replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&'))
    .sort();

/** Renders prod's documents into a new directory, every way of starting a program failing: none may run. */
function renderProdWithoutPrograms(): { svg: string; warnings: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-docs-'));
  const warnings: string[] = [];
  expect(programsStartedBy(() => startEstateDocs([loadProd()], outdir).finish((w) => warnings.push(w)))).toEqual([]);
  expect(fs.readdirSync(path.join(outdir, 'docs', 'prod')).sort()).toEqual(['flows.csv', 'flows.md', 'topology.dot', 'topology.svg']);
  return { svg: fs.readFileSync(path.join(outdir, 'docs', 'prod', 'topology.svg'), 'utf8'), warnings };
}

describe('topology.svg: Graphviz in WebAssembly, no program needed', () => {
  const first = renderProdWithoutPrograms();

  test('rendered without starting a program, without a warning: a box per server, an arrow per flow', () => {
    expect(first.warnings).toEqual([]);
    expect(first.svg).toMatch(/^<\?xml[^]*<svg [^]*<\/svg>\s*$/);
    const all = titles(first.svg);
    for (const server of ['pbx', 'mds1', 'mds2', 'cc-core', 'cc-reporting', 'uc', 'edge']) expect(all).toContain(`cluster_${server}`);
    expect(all).toContain('cc-core/xivocc-nginx->cc-reporting/xivocc-spagobi');
    expect(all).toContain('browsers (internet)->edge/edge-nginx');
    expect(all).toContain('cc-core/xivocc-xuc->mds1/host');
    expect(first.svg).toContain('>9500/tcp</text>');
  });

  test('the same bytes on every run and every machine: a second render, and the picture committed for the README, are identical', () => {
    // The committed picture was rendered on another machine: equal bytes prove the layout and the
    // text metrics depend on nothing but the DOT source and the pinned @viz-js/viz.
    // Refresh: npm run synth && cp cdktf.out/docs/prod/topology.svg docs/topology-prod.svg
    expect(renderProdWithoutPrograms().svg).toBe(first.svg);
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'topology-prod.svg'), 'utf8')).toBe(first.svg);
  });
});
