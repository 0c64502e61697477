/**
 * Renders the service catalogue as Markdown (docs/catalogue.md), so the documented images,
 * ports, volumes and facts are the ones the code deploys. `npm run generate` rewrites it;
 * a test fails while it is stale.
 */
import { HOST_ENV_FILES, RESERVED_HOST_PORTS, SERVICES } from './services';
import { EnvSource } from './types';
import { XUC_CREDENTIALS } from './xuc-credentials';

export const CATALOGUE_DOC = 'docs/catalogue.md';

const describeSource = (s: EnvSource): string => {
  switch (s.kind) {
    case 'literal':
      return `\`${s.value}\``;
    case 'public':
      return `public name \`${s.name}\``;
    case 'token':
      return 'SharedToken';
    case 'endpoint':
      return `${s.part} of \`${s.service}\``;
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
    '"inferred" facts come from `xivo-domain.md` recollections: confirm them with `xivocc-dcomp config` on a real host.',
    '',
    '| service id | what | image | ports (container→host) | data volumes | optional | environment | facts |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of SERVICES) {
    const ports = s.ports.map((p) => `${p.name} ${p.internal}${p.published ? `→${p.published}` : ''}`).join(', ') || '–';
    const volumes = s.volumes.map((v) => `\`${v.containerPath}\`${v.persistent ? ' (protected)' : ''}`).join(', ') || '–';
    const env = Object.entries(s.env).map(([k, v]) => `\`${k}\` ← ${describeSource(v)}`).join('<br>') || '–';
    lines.push(`| \`${s.id}\` | ${cell(s.description)} | \`${s.image}\` (${s.imageConfidence}) | ${ports} | ${volumes} | ${s.optIn ? 'opt-in (`enabled: true`)' : s.optional ? 'yes' : 'no'} | ${cell(env)} | ${cell(s.notes)} |`);
  }
  lines.push(
    '',
    '## Host env files',
    '',
    'XiVO\'s installers write these files too: only the keys below are managed, key by key, by a one-shot job on the',
    'Docker host (EnvFileKeys); every other line is kept, the previous file is backed up, mode 0600.',
    '',
    '| role | path | variables |',
    '|---|---|---|',
  );
  for (const f of HOST_ENV_FILES) {
    lines.push(`| ${f.role} | \`${f.path}\` | ${Object.entries(f.variables).map(([k, v]) => `\`${k}\` ← ${describeSource(v)}`).join('<br>')} |`);
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
  return `${lines.join('\n')}\n`;
}
