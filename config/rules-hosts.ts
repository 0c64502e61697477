/**
 * Host facts the environment file can state: `servers[].debian`, checked against the XiVO
 * release (Debian 11 from 2022.04, Debian 12 from 2024.05, catalogue/releases.ts), and
 * `freeHostPorts`, which may free only the reservations the catalogue marks inferred.
 */
import { debianFor, describeRelease, resolveRelease } from '../catalogue/releases';
import { RESERVED_HOST_PORTS } from '../catalogue/services';
import type { Rule } from './rule';

const debianMatchesRelease: Rule = (spec) => {
  const release = resolveRelease(spec.release)?.release;
  const wanted = release && debianFor(release);
  if (!release || !wanted) return [];
  return spec.servers.flatMap((s, i) =>
    s.debian !== undefined && s.debian !== wanted
      ? [
          {
            path: ['servers', i, 'debian'],
            message: `XiVO ${describeRelease(release)} runs on Debian ${wanted}, not Debian ${s.debian}: upgrade the host (runbook host-prerequisites.md) or write debian: ${wanted}`,
          },
        ]
      : [],
  );
};

/** Only inferred reservations may be freed: a verified one is XiVO's for sure. */
const freeHostPortsInferredOnly: Rule = (spec) =>
  (spec.freeHostPorts ?? []).flatMap((entry, i) => {
    const reserved = RESERVED_HOST_PORTS.filter((r) => `${r.port}/${r.protocol}` === entry);
    if (reserved.length === 0)
      return [{ path: ['freeHostPorts', i], message: `${entry} is not a reserved port: remove it (reserved ports: docs/catalogue.md)` }];
    const verified = reserved.find((r) => r.confidence !== 'inferred');
    return verified
      ? [
          {
            path: ['freeHostPorts', i],
            message: `${entry} is used by ${verified.owner} (verified): it cannot be freed; publish your service on another port`,
          },
        ]
      : [];
  });

export const HOST_RULES: readonly Rule[] = [debianMatchesRelease, freeHostPortsInferredOnly];
