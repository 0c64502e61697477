/** Cross-field rules of the `tls` and `edge` sections. */
import * as fs from 'fs';
import * as path from 'path';
import { findService } from '../catalogue/services';
import { Role } from '../catalogue/types';
import { checkChain } from '../constructs/tls/chain';
import { privateKeyInCertificatesProblem } from '../constructs/xuc/auth-checks';
import { ROUTE_MESSAGES, routeTargetProblem } from '../constructs/nginx/front-routes';
import { ROUTES, SERVER_PLACEHOLDER } from '../catalogue/routes';
import { checkInputFile, MAX_CERTIFICATE_BYTES } from './input-files';
import { parseCidr } from './host-names';
import type { Problem, Rule } from './rule';
import { ProvidedCertificateSpec } from './schema-tls';
import { EnvironmentFile } from './schema';
import { echo } from './messages';

const hasRole = (spec: EnvironmentFile, role: Role) => spec.servers.some((s) => s.roles.includes(role));

const providedMatchesMode: Rule = (spec, env) => {
  const tls = env.tls;
  const problems: Problem[] = [];
  if (tls.mode === 'provided') {
    if (!tls.provided) {
      problems.push({
        path: ['tls', 'provided'],
        message:
          'is required when tls.mode is "provided": give certFile, keyFile and chainFiles (intermediates and root), relative to the environment file',
      });
    }
    if (spec.edge && !spec.edge.provided) {
      problems.push({
        path: ['edge', 'provided'],
        message: 'is required when tls.mode is "provided": give the edge certificate for edge.publicName (certFile, keyFile, chainFiles)',
      });
    }
    return problems;
  }
  const misplaced: [string, unknown][] = [
    ['tls.provided', tls.provided],
    ['tls.cti.provided', tls.cti?.provided],
    ['edge.provided', spec.edge?.provided],
  ];
  for (const [key, value] of misplaced) {
    if (value)
      problems.push({
        path: key.split('.'),
        message: `only applies when tls.mode is "provided" (mode is "${tls.mode}"): remove it or set tls.mode: provided`,
      });
  }
  return problems;
};

const renewalBeforeExpiry: Rule = (_spec, env) => {
  const tls = env.tls;
  return tls.earlyRenewalDays >= tls.validityDays
    ? [
        {
          path: ['tls', 'earlyRenewalDays'],
          message: `(${tls.earlyRenewalDays}) must be less than tls.validityDays (${tls.validityDays}), or every deploy re-issues the certificates; 30 is a sane value`,
        },
      ]
    : [];
};

const edgeSection: Rule = (spec, env) => {
  const edgeServer = spec.servers.findIndex((s) => s.roles.includes(Role.EDGE));
  if (edgeServer >= 0 && !spec.edge) {
    return [
      {
        path: ['edge'],
        message: `is required when a server carries role "edge" (server "${spec.servers[edgeServer].name}"): give at least edge.publicName, the name users open from outside`,
      },
    ];
  }
  if (edgeServer < 0 && spec.edge) {
    return [
      {
        path: ['edge'],
        message: 'applies only when a server carries role "edge": add "edge" to the roles of the DMZ server, or remove this section',
      },
    ];
  }
  if (edgeServer < 0 || !spec.edge) return [];
  const problems: Problem[] = [];
  if (!env.placement.has('cc.nginx') && !env.placement.has('ucaddon.nginx')) {
    problems.push({
      path: ['servers', edgeServer, 'roles'],
      message: 'role "edge" needs a front to forward to: deploy cc.nginx (role cc) or ucaddon.nginx (role ucaddon)',
    });
  }
  const internal = [...Object.values(spec.publicNames), ...spec.servers.flatMap((s) => [s.fqdn, s.address])];
  const publicName = spec.edge.publicName.toLowerCase().replace(/\.$/, '');
  if (internal.some((name) => typeof name === 'string' && name.toLowerCase().replace(/\.$/, '') === publicName)) {
    problems.push({
      path: ['edge', 'publicName'],
      message: `"${spec.edge.publicName}" is an internal name (a public name or a server): the edge's public name must differ so that internal names stay hidden (reverse-proxy guidance for agent browsers), e.g. "rpx-cc.example.com"`,
    });
  }
  return problems;
};

const routeTable: Rule = (spec, env) => {
  const routes = spec.tls?.routes ?? [];
  // Per-server paths (`/wssip-{server}`) count once per server of their role.
  const builtin = new Set(
    ROUTES.flatMap(({ path, target }) => {
      if (target.kind !== 'asterisk' || !path.includes(SERVER_PLACEHOLDER)) return [path];
      return spec.servers.filter((s) => s.roles.includes(target.role)).map((s) => path.replace(SERVER_PLACEHOLDER, s.name));
    }),
  );
  const seen = new Map<string, number>();
  return routes.flatMap((r, i) => {
    const at = ['tls', 'routes', i];
    const problems: Problem[] = [];
    const first = seen.get(r.path);
    if (builtin.has(r.path)) problems.push({ path: [...at, 'path'], message: ROUTE_MESSAGES.builtIn(r.path) });
    else if (first !== undefined)
      problems.push({
        path: [...at, 'path'],
        message: `"${r.path}" is already the path of tls.routes[${first}]: two routes cannot share a path; choose another path`,
      });
    else seen.set(r.path, i);
    if (r.zone && !r.edge) {
      problems.push({
        path: [...at, 'zone'],
        message: `is the edge's rate-limit zone, and this route is not on the edge: add "edge: true" to publish it there, or remove zone`,
      });
    }
    const def = findService(r.service);
    if (!def) {
      problems.push({
        path: [...at, 'service'],
        message: `"${echo(r.service)}" is not a catalogue service: write "<role>.<service>" as listed by docs/catalogue.md (e.g. "cc.kibana")`,
      });
    } else if (!env.placement.has(def.id)) {
      problems.push({
        path: [...at, 'service'],
        message: `"${r.service}" is not deployed in this environment (disabled or no server has its role): a route must lead to a running service; enable it or remove the route`,
      });
    } else {
      const target = routeTargetProblem(def, r.port);
      if (target) problems.push({ path: [...at, r.port ? 'port' : 'service'], message: target });
    }
    return problems;
  });
};

/** What is lost without the edge's rate limits: XiVO Edge always limits these routes. */
const UNLIMITED = (publicName: string) =>
  `the routes published on ${publicName} (login, CTI and SIP WebSockets among them) have no rate limit; XiVO Edge always limits them`;
/** Narrowest exempt network that is "a large part of the Internet" (IPv4 /7 = 33 million addresses; IPv6 /15). */
const BROAD_PREFIX: Readonly<Record<4 | 6, number>> = { 4: 8, 6: 16 };

/**
 * The edge's rate limits, off or emptied: `rateLimits: false`, or exempt networks that cover every
 * client (0.0.0.0/0, ::/0) or a large part of the Internet, are warned about at their line; a
 * network written with host bits set (10.0.0.5/8: the network or the one address?) is refused.
 */
const edgeRateLimits: Rule = (spec) => {
  const edge = spec.edge;
  if (!edge) return [];
  const problems: Problem[] = [];
  if (edge.rateLimits === false)
    problems.push({ path: ['edge', 'rateLimits'], severity: 'warning', message: `is false: ${UNLIMITED(edge.publicName)}` });
  edge.exemptNetworks.forEach((network, i) => {
    const cidr = parseCidr(network);
    const at = ['edge', 'exemptNetworks', i];
    if (!cidr) return;
    const single = cidr.version === 4 ? 32 : 128;
    if (cidr.hostBitsSet) {
      problems.push({
        path: at,
        message: `"${network}" has host bits set past /${cidr.prefix}: write the network, "${cidr.network}", or one address, "${network.split('/')[0]}/${single}"`,
      });
    } else if (edge.rateLimits !== false && cidr.prefix === 0) {
      problems.push({
        path: at,
        severity: 'warning',
        message: `"${network}" exempts every client, as rateLimits: false would: ${UNLIMITED(edge.publicName)}; list only your own networks`,
      });
    } else if (edge.rateLimits !== false && cidr.prefix < BROAD_PREFIX[cidr.version]) {
      problems.push({
        path: at,
        severity: 'warning',
        message: `"${network}" exempts a large part of the Internet from the rate limits of ${edge.publicName} (login, CTI and SIP WebSockets among them); list only your own networks`,
      });
    }
  });
  return problems;
};

/** `chainFiles[2]` → ['chainFiles', 2]. */
const keyPath = (key: string): (string | number)[] => {
  const match = /^(\w+)\[(\d+)\]$/.exec(key);
  return match ? [match[1], Number(match[2])] : [key];
};

/** Provided files are checked when present; absent ones are read by Terraform at plan time. */
function providedProblems(spec: ProvidedCertificateSpec | undefined, at: (string | number)[], names: string[], directory: string): Problem[] {
  if (!spec) return [];
  const keys: [string, string][] = [
    ['certFile', spec.certFile],
    ['keyFile', spec.keyFile],
    ...spec.chainFiles.map((f, i): [string, string] => [`chainFiles[${i}]`, f]),
  ];
  const checked = keys.map(([key, file]) => ({ key, file, ...checkInputFile(directory, file, MAX_CERTIFICATE_BYTES, false) }));
  const unusable = checked.filter((c) => c.problem);
  if (unusable.length) return unusable.map((c) => ({ path: [...at, ...keyPath(c.key)], message: c.problem! }));
  // The certificate and chain are copied on (xivoxc.crt at 0644 on the fronts, upstream-ca.crt on the DMZ host): no key in them.
  const keyInCertificates = checked
    .filter((c) => c.key !== 'keyFile' && c.absolute)
    .map((c) => ({ c, message: privateKeyInCertificatesProblem(fs.readFileSync(c.absolute!, 'utf8')) }))
    .filter((x) => x.message);
  if (keyInCertificates.length) return keyInCertificates.map(({ c, message }) => ({ path: [...at, ...keyPath(c.key)], message: message! }));
  if (!checked.every((c) => c.absolute)) return [];
  const read = (file: string) => ({ file, pem: fs.readFileSync(path.resolve(directory, file), 'utf8') });
  const { located } = checkChain({ cert: read(spec.certFile), key: read(spec.keyFile), chain: spec.chainFiles.map(read), names });
  // Each problem at the key of the file it is about: a passphrase at keyFile's line, an expired intermediate at its chainFiles item.
  const keyOf = (file: string): (string | number)[] =>
    file === spec.certFile
      ? ['certFile']
      : file === spec.keyFile
        ? ['keyFile']
        : spec.chainFiles.includes(file)
          ? ['chainFiles', spec.chainFiles.indexOf(file)]
          : ['certFile'];
  return located.map(({ file, message }) => ({ path: [...at, ...keyOf(file)], message }));
}

const providedFiles: Rule = (spec, env) => {
  const tls = env.tls;
  if (tls.mode !== 'provided') return [];
  const fronts = [
    hasRole(spec, Role.CC) ? spec.publicNames.xucHost : undefined,
    hasRole(spec, Role.UC_ADDON) ? spec.publicNames.ucAddonHost : undefined,
  ];
  const frontNames = [...fronts, ...tls.extraNames].filter((n): n is string => !!n);
  return [
    ...providedProblems(tls.provided, ['tls', 'provided'], frontNames, env.directory),
    ...providedProblems(tls.cti?.provided, ['tls', 'cti', 'provided'], [spec.publicNames.xivoHost], env.directory),
    ...providedProblems(spec.edge?.provided, ['edge', 'provided'], spec.edge ? [spec.edge.publicName] : [], env.directory),
  ];
};

export const TLS_RULES: readonly Rule[] = [providedMatchesMode, renewalBeforeExpiry, edgeSection, edgeRateLimits, routeTable, providedFiles];
