/**
 * Renders the service catalogue as Markdown (docs/catalogue.md), so the documented images,
 * ports, volumes and facts are the ones the code deploys. `npm run generate` rewrites it;
 * a test fails while it is stale.
 */
import { ASTERISK_WEBSOCKET, DEFAULT_EXTRA_EDGE_ZONE, EDGE_ONLY_PATHS, RATE_LIMITS, RouteTarget, ROUTES } from './routes';
import { HOST_ENV_FILES, HOST_FILE_HELPER_IMAGE, RESERVED_HOST_PORTS, SERVICES } from './services';
import { EnvSource } from './types';
import { XUC_CREDENTIALS } from './xuc-credentials';
import { INFERRED_FACTS } from './inferred-facts';

export const CATALOGUE_DOC = 'docs/catalogue.md';

const describeSource = (s: EnvSource): string => {
  switch (s.kind) {
    case 'literal':
      return `\`${s.value}\``;
    case 'public':
      return `public name \`${s.name}\`${s.optional ? ' (left out without it)' : ''}`;
    case 'token':
      return 'SharedToken';
    case 'endpoint':
      return `${s.part} of \`${s.service}\`${s.optional ? ' (left out when it does not run)' : ''}`;
  }
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function catalogueMarkdown(): string {
  const lines = [
    '# Service catalogue',
    '',
    '<!-- Generated from catalogue/services.ts by `npm run generate`: do not edit. -->',
    '',
    'Every container xivo-cdktf deploys. Images are `[registry/]<image>:<release>.<dist>` (e.g. `xivoxc/xuc:2024.05.latest`);',
    'anything here can be overridden per environment under `services.<id>` (image, tag, env, volumes, ports, memoryMb, enabled).',
    '"inferred" facts are not confirmed by XiVO\'s public documentation: confirm them with `xivocc-dcomp config` on a real host.',
    '',
    '| service id | what | image | ports (container→host) | data volumes | optional | environment | facts |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of SERVICES) {
    const inferred = (c?: string) => (c === 'inferred' ? ' (inferred)' : '');
    const ports = s.ports.map((p) => `${p.name} ${p.internal}${p.published ? `→${p.published}` : ''}${inferred(p.confidence)}`).join(', ') || '–';
    const volumes = s.volumes.map((v) => `\`${v.containerPath}\`${v.persistent ? ' (protected)' : ''}${inferred(v.confidence)}`).join(', ') || '–';
    const env =
      Object.entries(s.env)
        .map(([k, v]) => `\`${k}\` ← ${describeSource(v)}`)
        .join('<br>') || '–';
    lines.push(
      `| \`${s.id}\` | ${cell(s.description)} | \`${s.image}\` (${s.imageConfidence}) | ${ports} | ${volumes} | ${s.optIn ? 'opt-in (`enabled: true`)' : s.optional ? 'yes' : 'no'} | ${cell(env)} | ${cell(s.notes)} |`,
    );
  }
  lines.push(
    '',
    '## Helper image',
    '',
    `\`${HOST_FILE_HELPER_IMAGE}\` (inferred: the digest public projects pin for busybox 1.37.0). It writes host files (never`,
    'started) and runs the one-shot jobs as root on each host (`custom.env` keys, backups, drift reads), so it is pinned by',
    'digest: a moved tag cannot change what runs. It is prefixed by `registry`; `helperImage` in an environment file replaces',
    "it (a reference with `@sha256:`; `docker inspect --format '{{index .RepoDigests 0}}' busybox:1.37.0` on a host gives yours).",
  );
  lines.push(
    '',
    '## Host env files',
    '',
    "XiVO's installers write these files too: only the keys below are managed, key by key, by a one-shot job on the",
    'Docker host (EnvFileKeys); every other line is kept, the previous file is backed up, mode 0600.',
    '',
    '| role | path | variables |',
    '|---|---|---|',
  );
  for (const f of HOST_ENV_FILES) {
    lines.push(
      `| ${f.role} | \`${f.path}\` | ${Object.entries(f.variables)
        .map(([k, v]) => `\`${k}\` ← ${describeSource(v)}`)
        .join('<br>')} |`,
    );
  }
  lines.push(
    '',
    '## Ports of host packages',
    '',
    'Containers published on the same Docker host must not take them (validation error otherwise).',
    '',
    '| role | port | owner | facts |',
    '|---|---|---|---|',
  );
  for (const r of RESERVED_HOST_PORTS) {
    const facts = [r.confidence ?? 'verified', r.unlessDeployed ? `free when \`${r.unlessDeployed}\` is deployed` : ''].filter(Boolean).join('; ');
    lines.push(`| ${r.role} | ${r.port}/${r.protocol} | ${cell(r.owner)} | ${facts} |`);
  }
  lines.push(
    '',
    '## xuc credentials towards XiVO',
    '',
    'Environment variables of every xuc (names not public: override them under `xucCredentials.envNames`).',
    '',
    '| credential | xuc variable | value |',
    '|---|---|---|',
  );
  for (const fact of Object.values(XUC_CREDENTIALS)) {
    const value = fact.secretVariable ? `\`TF_VAR_${fact.secretVariable}\` (sensitive)` : `\`${fact.defaultValue}\``;
    lines.push(`| ${cell(fact.what)} | \`${fact.env}\` (${fact.envConfidence}) | ${value} |`);
  }
  lines.push(...inferredFactsMarkdown(), ...routesMarkdown());
  return `${lines.join('\n')}\n`;
}

const describeTarget = (t: RouteTarget): string =>
  t.kind === 'service'
    ? `\`${t.service}\`${t.port ? ` port ${t.port}` : ''}`
    : `Asterisk HTTP server of ${t.role === 'xivo' ? 'the PBX' : 'each MDS'}, port ${ASTERISK_WEBSOCKET.port} (${ASTERISK_WEBSOCKET.portConfidence}), URI \`${ASTERISK_WEBSOCKET.path}\` (${ASTERISK_WEBSOCKET.pathConfidence})`;

/** Every inferred fact a running installation can confirm (catalogue/inferred-facts.ts): what `npm run discover` reports on. */
function inferredFactsMarkdown(): string[] {
  return [
    '',
    '## Inferred facts checked by discover',
    '',
    `The ${INFERRED_FACTS.length} inferred facts of this catalogue that a running installation shows through the Docker API. \`npm run discover\``,
    'writes, next to the environment file, a report of each one against what it found (matches, differs, absent): send it back to',
    'turn an inferred fact into a verified one.',
    '',
    '| fact | catalogue value |',
    '|---|---|',
    ...INFERRED_FACTS.map((f) => `| ${cell(f.subject)} | \`${cell(f.expected)}\` |`),
  ];
}

/** The route table of the fronts and the edge's allow-list (catalogue/routes.ts). */
function routesMarkdown(): string[] {
  return [
    '',
    '## Routes',
    '',
    "Paths of the XiVO CC / UC-Addon fronts (`xucmgt`, `xuc`: the front's own role). The edge proxy publishes only the paths with an edge zone;",
    'the others answer 404 there. `{server}` stands for each MDS name. A target whose service is not deployed is left out.',
    '',
    '| path | target | WebSocket | edge zone | facts |',
    '|---|---|---|---|---|',
    ...ROUTES.map(
      (r) => `| \`${r.path}\` | ${describeTarget(r.target)} | ${r.websocket ? 'yes' : 'no'} | ${r.edgeZone ?? 'not published'} | ${r.confidence} |`,
    ),
    '',
    `XiVO Edge paths without a catalogue service: a \`tls.routes\` entry on one of them with \`edge: true\` gets this zone by default (others: \`${DEFAULT_EXTRA_EDGE_ZONE}\`).`,
    '',
    '| path | edge zone |',
    '|---|---|',
    ...Object.entries(EDGE_ONLY_PATHS).map(([p, z]) => `| \`${p}\` | ${z} |`),
    '',
    '### Edge rate-limit zones (XiVO Edge, per client address)',
    '',
    '| zone | nginx zone | rate | burst | nodelay |',
    '|---|---|---|---|---|',
    ...Object.entries(RATE_LIMITS).map(([z, l]) => `| ${z} | ${l.zone} | ${l.rate} | ${l.burst} | ${l.nodelay ? 'yes' : 'no'} |`),
  ];
}
