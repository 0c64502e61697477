/**
 * The catalogue report: each inferred fact of the catalogue (catalogue/inferred-facts.ts) next
 * to what a running installation shows (matches, differs, absent), then what discover wrote as
 * overrides, the secrets it found (names and Terraform variables, never values), the containers
 * left alone and the findings. An operator sends it back: it is the evidence that turns an
 * inferred fact into a verified one. No value of a secret, no date: the same host gives the
 * same report.
 */
import { InferredFact, INFERRED_FACTS } from '../catalogue/inferred-facts';
import { COMPOSE_PROJECT } from '../catalogue/services';
import { XUC_CREDENTIALS } from '../catalogue/xuc-credentials';
import { AdoptedService, ServerDiscovery } from './mapping';

export type Verdict = 'matches' | 'differs' | 'absent';

export interface FactCheck {
  readonly fact: InferredFact;
  readonly found: string;
  readonly verdict: Verdict;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;

function checkFact(fact: InferredFact, discoveries: readonly ServerDiscovery[]): FactCheck {
  const adopted = discoveries.flatMap((d) => d.adopted);
  const of = (id: string): AdoptedService | undefined => adopted.find((a) => a.def.id === id);
  const absent = (why: string): FactCheck => ({ fact, found: why, verdict: 'absent' });
  const compare = (found: string, same: boolean): FactCheck => ({ fact, found, verdict: same ? 'matches' : 'differs' });
  switch (fact.kind) {
    case 'tag-rule': {
      const tagged = adopted.filter((a) => a.def.tag.kind === 'release');
      if (!tagged.length) return absent('no XiVO image found');
      const d = discoveries[0];
      const expected = `${d.release.version}.${d.release.dist}`;
      const off = tagged.filter((a) => a.image.tag !== expected);
      return compare(
        off.length ? `${expected} except ${off.map((a) => `${a.def.id} ${a.image.tag}`).join(', ')}` : `${expected} (${d.release.source})`,
        off.length === 0,
      );
    }
    case 'compose-project': {
      const found = adopted.filter((a) => a.def.role === fact.role && a.compose).map((a) => a.compose!.project);
      return found.length
        ? compare(
            [...new Set(found)].join(', '),
            found.every((p) => p === COMPOSE_PROJECT[fact.role]?.name),
          )
        : absent(`no ${fact.role} container found`);
    }
    case 'image': {
      const a = of(fact.service);
      return a ? compare(a.image.repository, a.image.repository === fact.expected) : absent('service not found');
    }
    case 'compose-service': {
      const a = of(fact.service);
      if (!a) return absent('service not found');
      return a.compose
        ? compare(a.compose.service, a.compose.service === fact.expected)
        : compare(`no Compose labels (found by its image, container ${a.name})`, false);
    }
    case 'port': {
      const a = of(fact.service);
      if (!a) return absent('service not found');
      const hostPort = a.ports.byName[fact.port.name];
      const internal = `${fact.port.internal}/${fact.port.protocol ?? 'tcp'}`;
      if (hostPort === undefined)
        return compare(
          `${internal} not published${a.ports.others.length ? `; published: ${a.ports.others.join(', ')}` : ''}`,
          fact.port.published === undefined,
        );
      return compare(`${internal} published on ${hostPort}`, hostPort === fact.port.published);
    }
    case 'volume': {
      const a = of(fact.service);
      if (!a) return absent('service not found');
      const mount = a.mounts[fact.volume.containerPath];
      return mount
        ? compare(`${mount} at ${fact.volume.containerPath}`, true)
        : compare(
            `no mount at ${fact.volume.containerPath}${Object.keys(a.mounts).length ? `; mounts at ${Object.keys(a.mounts).sort().join(', ')}` : ''}`,
            false,
          );
    }
    case 'env-name': {
      const a = of(fact.service);
      if (!a) return absent('service not found');
      return a.envNames.includes(fact.env) ? compare(`set on ${a.name}`, true) : compare(`not in the environment of ${a.name}`, false);
    }
    case 'xuc-credential-env':
    case 'xuc-credential-user': {
      const xucs = adopted.filter((a) => a.def.name === 'xuc');
      if (!xucs.length) return absent('no xuc found');
      const env = XUC_CREDENTIALS[fact.credential].env;
      const having = xucs.filter((a) => a.envNames.includes(env));
      if (fact.kind === 'xuc-credential-env') {
        const secretLike = [...new Set(xucs.flatMap((a) => a.envNames.filter((n) => /USER|PASS|SECRET|AMI|CTI|_WS/.test(n) && n !== env)))].sort();
        return having.length
          ? compare(`set on ${having.map((a) => a.name).join(', ')}`, true)
          : compare(
              `not set on ${xucs.map((a) => a.name).join(', ')}${secretLike.length ? `; related names found: ${secretLike.join(', ')}` : ''}`,
              false,
            );
      }
      const discovered = discoveries.map((d) => d.xucCredentials[fact.credential as 'webServicesUser' | 'amiUser']).find((v) => v !== undefined);
      if (!having.length) return absent(`${env} not set on xuc`);
      return compare(discovered ?? fact.expected, discovered === undefined);
    }
  }
}

/** Every inferred fact against what the discovered servers show. */
export function checkFacts(discoveries: readonly ServerDiscovery[]): FactCheck[] {
  return INFERRED_FACTS.map((fact) => checkFact(fact, discoveries));
}

/** `cc.xuc: tag 2024.05.03`, … : what was written because the installation differs from the catalogue. */
export function overridesWritten(d: ServerDiscovery): string[] {
  return d.adopted.flatMap((a) => {
    const o = a.override;
    const lines: string[] = [];
    if (o.image) lines.push(`| ${code(a.def.id)} | image | ${code(a.def.image)} | ${code(o.image)} |`);
    if (o.tag)
      lines.push(
        `| ${code(a.def.id)} | tag | ${code(a.def.tag.kind === 'release' ? `${d.release.version}.${d.release.dist}` : a.def.tag.tag)} | ${code(o.tag)} |`,
      );
    for (const [name, port] of Object.entries(o.ports ?? {})) {
      const def = a.def.ports.find((p) => p.name === name)!;
      lines.push(`| ${code(a.def.id)} | port "${name}" (${def.internal}/${def.protocol ?? 'tcp'}) | ${def.published ?? 'not published'} | ${port} |`);
    }
    if (o.memoryMb !== undefined)
      lines.push(`| ${code(a.def.id)} | memory limit | ${a.def.memoryMb ?? 'none'} MiB | ${o.memoryMb === 0 ? 'none (0)' : `${o.memoryMb} MiB`} |`);
    if (o.restart) lines.push(`| ${code(a.def.id)} | restart policy | unless-stopped | ${o.restart} |`);
    const extra = Object.keys(o.env ?? {}).sort();
    if (extra.length)
      lines.push(
        `| ${code(a.def.id)} | env (names; values in the file) | ${Object.keys(a.def.env).sort().join(', ') || '–'} | + ${extra.map((k) => `${k} (${a.envOrigins[k]})`).join(', ')} |`,
      );
    for (const v of o.volumes ?? [])
      lines.push(`| ${code(a.def.id)} | mount ${v.containerPath} | – | ${v.volume ? `volume ${v.volume}` : `host ${v.hostPath}`} |`);
    return lines;
  });
}

/** The report of one discover run, Markdown. */
export function catalogueReport(environment: string, discoveries: readonly ServerDiscovery[]): string {
  const checks = checkFacts(discoveries);
  const count = (v: Verdict) => checks.filter((c) => c.verdict === v).length;
  const lines: string[] = [`# Catalogue report: environment ${code(environment)}`, ''];
  lines.push('Written by `npm run discover`. It holds no secret value: send it back to turn inferred catalogue facts into verified ones.', '');
  for (const d of discoveries) {
    const assumed = d.release.assumedFrom
      ? `; newer than every LTS this project knows: tag rule and Debian version assumed from ${d.release.assumedFrom}`
      : '';
    lines.push(
      `- server ${code(d.server)} (${d.roles.join(', ')}) at ${code(d.host)}: XiVO release ${code(d.release.version)}, dist ${code(d.release.dist)} (${d.release.source}${assumed}); ` +
        `${d.adopted.length} containers adopted, ${d.leftAlone.length} left alone, ${d.created.length} services to create`,
    );
  }
  lines.push(
    '',
    `## Inferred facts of the catalogue (${checks.length}: ${count('matches')} match, ${count('differs')} differ, ${count('absent')} absent)`,
    '',
  );
  lines.push('| fact | catalogue | found | verdict |', '|---|---|---|---|');
  for (const c of checks)
    lines.push(
      `| ${cell(c.fact.subject)} | ${code(cell(c.fact.expected))} | ${cell(c.found)} | ${c.verdict === 'differs' ? '**differs**' : c.verdict} |`,
    );

  const overrides = discoveries.flatMap(overridesWritten);
  lines.push('', '## What differs from the catalogue (written as overrides)', '');
  if (overrides.length) lines.push('| service | what | catalogue | found |', '|---|---|---|---|', ...overrides);
  else lines.push('Nothing: every adopted service runs as the catalogue says.');

  const secrets = discoveries.flatMap((d) => d.secrets);
  lines.push('', '## Secrets found (never written: export the Terraform variable with the same value)', '');
  if (secrets.length) {
    lines.push('| name | where | Terraform variable |', '|---|---|---|');
    for (const name of [...new Set(secrets.map((s) => s.name))].sort()) {
      const places = secrets.filter((s) => s.name === name);
      const variable = places[0].variable;
      lines.push(
        `| ${code(name)} | ${cell(places.map((p) => p.where).join(', '))} | ${variable ? code(variable) : 'none: not carried by this project'} |`,
      );
    }
  } else lines.push('None.');

  const leftAlone = discoveries.flatMap((d) => d.leftAlone.map((l) => ({ ...l, server: d.server })));
  lines.push('', "## Left alone (not managed: they stay under the operator's own tools)", '');
  if (leftAlone.length)
    lines.push(
      '| server | container | image | why |',
      '|---|---|---|---|',
      ...leftAlone.map((l) => `| ${code(l.server)} | ${code(l.name)} | ${code(l.image)} | ${cell(l.reason)} |`),
    );
  else lines.push('None.');

  lines.push('', '## Env files read', '');
  const files = discoveries.flatMap((d) => d.envFiles.map((f) => ({ ...f, server: d.server })));
  if (files.length) {
    lines.push('| server | file | keys (secret ones marked, values never shown) |', '|---|---|---|');
    for (const f of files)
      lines.push(`| ${code(f.server)} | ${code(f.path)} | ${f.keys.map((k) => `${k.name}${k.secret ? ' (secret)' : ''}`).join(', ') || '(empty)'} |`);
  } else lines.push('None found.');

  const findings = discoveries.flatMap((d) => d.findings);
  lines.push('', '## Findings', '');
  if (findings.length) lines.push(...findings.map((f) => `- ${f.level === 'warning' ? '**warning**' : 'info'}: ${cell(f.subject)}: ${cell(f.text)}`));
  else lines.push('None.');
  return `${lines.join('\n')}\n`;
}
