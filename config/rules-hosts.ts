/**
 * Host prerequisites the environment file can state (`servers[].debian`), checked against the
 * XiVO release: Debian 11 from 2022.04, Debian 12 from 2024.05 (catalogue/releases.ts).
 */
import { debianFor, findRelease } from '../catalogue/releases';
import type { Rule } from './rules';

const debianMatchesRelease: Rule = (spec) => {
  const release = findRelease(spec.release);
  const wanted = release && debianFor(release);
  if (!release || !wanted) return [];
  return spec.servers.flatMap((s, i) =>
    s.debian !== undefined && s.debian !== wanted
      ? [{ path: ['servers', i, 'debian'], message: `XiVO ${release.name} (${release.version}) runs on Debian ${wanted}, not Debian ${s.debian}: upgrade the host (runbook host-prerequisites.md) or write debian: ${wanted}` }]
      : [],
  );
};

export const HOST_RULES: readonly Rule[] = [debianMatchesRelease];
