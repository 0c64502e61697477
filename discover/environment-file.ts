/**
 * Writes what discover found into an environment file: a new one, or an existing one extended
 * (its comments and every section discover does not own are kept). Discover owns, for the
 * server it read: its `servers[]` entry and `services.<id>` of its roles' services. It adds what
 * the file does not say yet (release, dist, registry, public names, auth settings, xuc's user
 * names) and reports where the file and the host disagree instead of changing the file.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { PublicName, Role } from '../catalogue/types';
import { Finding, ServerDiscovery, ServiceOverrideOut } from './mapping';

/** The `servers[]` entry of the server read. */
export interface ServerEntry {
  readonly name: string;
  readonly address: string;
  readonly fqdn?: string;
  readonly docker: {
    readonly host: string;
    readonly sshOpts?: readonly string[];
    readonly tls?: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
  };
  readonly roles: readonly string[];
}

export interface EnvironmentFileInput {
  /** The current text of the file; undefined for a new file. */
  readonly existing?: string;
  /** Environment name of a new file. */
  readonly environment: string;
  readonly server: ServerEntry;
  readonly discovery: ServerDiscovery;
  /** The JSON Schema for editors, relative to the file. @default ../schema/environment.schema.json */
  readonly schema?: string;
}

const HEADER = 'Written by npm run discover: review it (the catalogue report next to it lists what differs from the catalogue), then synth.';

/** The YAML text of the environment file, and where the file and the host disagree. */
export function environmentFileText(input: EnvironmentFileInput): { text: string; notes: Finding[] } {
  const { discovery: d } = input;
  const notes: Finding[] = [];
  const doc: Document = input.existing ? parseDocument(input.existing) : new Document({});
  if (!input.existing) doc.commentBefore = ` ${HEADER}\n yaml-language-server: $schema=${input.schema ?? '../schema/environment.schema.json'}`;
  const has = (key: string) => doc.hasIn([key]);

  if (!has('name')) doc.setIn(['name'], input.environment);
  if (!has('release')) doc.setIn(['release'], quoted(d.release.version));
  else if (String(doc.getIn(['release'])) !== d.release.version) {
    notes.push({
      level: 'warning',
      subject: 'release',
      text: `the file says release ${String(doc.getIn(['release']))}, server "${d.server}" runs ${d.release.version} (${d.release.source}): kept the file's; image tags that differ are pinned per service`,
    });
  }
  if (!has('dist') && d.release.dist !== 'latest' && !input.existing) doc.setIn(['dist'], quoted(d.release.dist));
  if (!has('registry') && d.registry && !input.existing) doc.setIn(['registry'], d.registry);

  for (const [name, value] of Object.entries(d.publicNames) as [PublicName, string][]) {
    const typed = name === PublicName.RECORDING_SERVER_PORT ? Number(value) : value;
    const current = doc.getIn(['publicNames', name]);
    if (current === undefined) doc.setIn(['publicNames', name], typed);
    else if (String(current) !== String(value)) {
      notes.push({
        level: 'warning',
        subject: `publicNames.${name}`,
        text: `the file says ${String(current)}, server "${d.server}" says ${value}: kept the file's; the first deploy writes it into custom.env`,
      });
    }
  }

  // servers[]: replace the entry of this server, or append it. When another server of the file carries one of
  // its roles (a split XiVO CC), this one lists the services it runs: the placement rule wants each listed.
  const others = doc.getIn(['servers']);
  const rolesOf = (s: unknown) => (isMap(s) ? ((s.toJSON() as { roles?: string[] }).roles ?? []) : []);
  const split =
    isSeq(others) &&
    others.items.some(
      (s) => isMap(s) && s.get('name') !== input.server.name && input.server.roles.some((r) => r !== Role.MDS && rolesOf(s).includes(r)),
    );
  const entry = doc.createNode({
    ...serverNode(input.server, d),
    ...(split && d.adopted.length ? { services: d.adopted.map((a) => a.def.id) } : {}),
  });
  blockStyle(entry);
  const servers = doc.getIn(['servers']);
  if (isSeq(servers)) {
    const at = servers.items.findIndex((s) => isMap(s) && s.get('name') === input.server.name);
    if (at >= 0) servers.items[at] = entry;
    else servers.items.push(entry);
  } else {
    doc.setIn(['servers'], new YAMLSeq());
    (doc.getIn(['servers']) as YAMLSeq).items.push(entry);
  }

  // services.<id> of the roles read.
  if (!isMap(doc.getIn(['services'])) && Object.keys(d.services).length) doc.setIn(['services'], new YAMLMap());
  const services = doc.getIn(['services']);
  if (isMap(services)) {
    services.flow = false;
    // Read back, the comment of the first entry belongs to the map: drop it when it is discover's own (it is written again).
    const first = services.items[0]?.key;
    const firstId = String(isScalar(first) ? first.value : first);
    if (services.commentBefore?.startsWith(` ${firstId}: `) && firstId in d.services) services.commentBefore = undefined;
  }
  for (const [id, override] of Object.entries(d.services) as [string, ServiceOverrideOut][]) {
    const node = serviceNode(doc, id, override, d);
    blockStyle(node);
    doc.setIn(['services', id], node);
    const pair = (doc.getIn(['services']) as YAMLMap).items.find((p) => (p.key as Scalar).value === id || p.key === id);
    if (pair) {
      const key = doc.createNode(id) as Scalar;
      key.commentBefore = ` ${serviceComment(id, d)}`;
      pair.key = key;
    }
  }

  mergeSection(doc, 'auth', d.auth, notes, d.server);
  mergeSection(doc, 'xucCredentials', d.xucCredentials, notes, d.server);
  return { text: doc.toString({ lineWidth: 0 }), notes };
}

/** Maps in block style (an empty `services: {}` read back would make every later entry a flow map); lists of scalars inline. */
function blockStyle(node: unknown): void {
  if (isMap(node)) {
    node.flow = false;
    for (const pair of node.items) blockStyle(pair.value);
  } else if (isSeq(node)) {
    node.flow = node.items.every((item) => !isMap(item) && !isSeq(item)) && node.items.length > 0;
    for (const item of node.items) blockStyle(item);
  }
}

const quoted = (value: string) => {
  const s = new Scalar(value);
  s.type = Scalar.QUOTE_DOUBLE;
  return s;
};

function serverNode(server: ServerEntry, d: ServerDiscovery): Record<string, unknown> {
  return {
    name: server.name,
    address: server.address,
    ...(server.fqdn ? { fqdn: server.fqdn } : {}),
    docker: {
      host: server.docker.host,
      ...(server.docker.sshOpts?.length ? { sshOpts: [...server.docker.sshOpts] } : {}),
      ...(server.docker.tls ? { tls: { ...server.docker.tls } } : {}),
    },
    roles: [...server.roles],
    ...(d.adoptNetwork && d.adopted.length ? { adoptNetwork: d.adoptNetwork } : {}),
  };
}

function serviceComment(id: string, d: ServerDiscovery): string {
  const a = d.adopted.find((x) => x.def.id === id);
  if (!a) return `${id}: not found on server "${d.server}" (optional): disabled`;
  const compose = a.compose ? `, Compose project ${a.compose.project}, service ${a.compose.service}` : '';
  return `${id}: ${a.name} on server "${d.server}" (${a.container.Config.Image}${compose}), adopted without restart`;
}

function serviceNode(doc: Document, id: string, override: ServiceOverrideOut, d: ServerDiscovery): YAMLMap {
  const node = doc.createNode(override) as YAMLMap;
  const a = d.adopted.find((x) => x.def.id === id);
  const env = node.get('env', true);
  if (a && isMap(env)) {
    for (const pair of env.items) {
      const origin = a.envOrigins[String((pair.key as Scalar).value)];
      if (origin && pair.value) (pair.value as Scalar).comment = ` ${origin === 'container' ? "the container's own (Compose environment)" : origin}`;
    }
  }
  return node;
}

/** Adds the keys of a section the file does not set; reports those it sets differently. */
function mergeSection(doc: Document, section: string, values: Readonly<Record<string, unknown>>, notes: Finding[], server: string): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const current = doc.getIn([section, key]);
    if (current === undefined) doc.setIn([section, key], value);
    else if (JSON.stringify((current as { toJSON?: () => unknown }).toJSON?.() ?? current) !== JSON.stringify(value)) {
      notes.push({
        level: 'warning',
        subject: `${section}.${key}`,
        text: `the file sets it differently from what server "${server}" runs: kept the file's (applied at the next replacement of xuc)`,
      });
    }
  }
}
