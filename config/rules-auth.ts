/**
 * Cross-field rules of the `auth` section. The checks on single values live with the
 * constructs (constructs/xuc/auth-checks.ts), so both reject the same bad values with the
 * same words.
 */
import { DEFAULT_XUC_HEAP, serviceDefinition } from '../catalogue/services';
import { ServiceId } from '../catalogue/types';
import { checkInputFile, MAX_KEYTAB_BYTES, readInputFile } from './input-files';
import type { Problem, Rule } from './rule';
import type { EnvironmentFile } from './schema';
import { MANAGED_XUC_VARIABLES, MANAGED_XUCMGT_VARIABLES } from '../constructs/xuc/auth-modes';
import { MANAGED_JVM_VARIABLES } from '../constructs/xuc/xuc-variables';
import {
  casServerUrlProblem,
  oidcServerUrlProblem,
  caPemProblem,
  ldapUrlProblem,
  outboundLengthProblem,
  principalHostProblem,
  queueNameProblem,
  queueNumberProblem,
  userSearchFilterProblem,
} from '../constructs/xuc/auth-checks';

const XUC_SERVICES: readonly ServiceId[] = ['cc.xuc', 'cc.xucmgt', 'ucaddon.xuc', 'ucaddon.xucmgt'];
const managedOf = (id: ServiceId): readonly string[] => [
  ...MANAGED_XUC_VARIABLES,
  ...(serviceDefinition(id).name === 'xuc' ? MANAGED_JVM_VARIABLES : MANAGED_XUCMGT_VARIABLES),
];

/**
 * DNS names by which users reach the xuc of a role (the Kerberos SPN host must be one of them):
 * its public name, and for XiVO CC the Edge reverse proxy's name when there is one.
 */
export function frontsOf(spec: EnvironmentFile, role: 'cc' | 'ucaddon'): string[] {
  const names = role === 'cc' ? [spec.publicNames.xucHost, spec.edge?.publicName] : [spec.publicNames.ucAddonHost];
  return names.filter((h): h is string => !!h);
}

/** Every front of the environment. */
export function xucFronts(spec: EnvironmentFile): string[] {
  return [...frontsOf(spec, 'cc'), ...frontsOf(spec, 'ucaddon')];
}

const at = (...keys: (string | number)[]) => ['auth', ...keys];
const problem = (pathKeys: (string | number)[], message: string | undefined): Problem[] => (message ? [{ path: at(...pathKeys), message }] : []);

const ldapRules: Rule = (spec, env) => {
  const ldap = spec.auth?.ldap;
  if (!ldap) return [];
  const problems = [...problem(['ldap', 'url'], ldapUrlProblem(ldap.url)), ...problem(['ldap', 'userSearchFilter'], userSearchFilterProblem(ldap.userSearchFilter))];
  if (ldap.caFile) {
    if (!ldap.url.startsWith('ldaps://')) {
      problems.push(...problem(['ldap', 'caFile'], 'only applies to ldaps:// URLs: remove it or write the URL as ldaps://HOST:636'));
    }
    const { text, problem: unreadable } = readInputFile(env.directory, ldap.caFile);
    problems.push(...problem(['ldap', 'caFile'], unreadable ?? caPemProblem(text!)));
  }
  return problems;
};

const kerberosRules: Rule = (spec, env) => {
  const kerberos = spec.auth?.kerberos;
  if (!kerberos) return [];
  // The keytab is read by Terraform at plan time; when it is already there, synth checks it is a small regular file.
  const keytab = problem(['kerberos', 'keytabFile'], checkInputFile(env.directory, kerberos.keytabFile, MAX_KEYTAB_BYTES, false).problem);
  if (!kerberos.principal) {
    return [...keytab, ...(spec.publicNames.xucHost ? [] : problem(['kerberos', 'principal'], 'is required without publicNames.xucHost: write HTTP/<DNS name of the xuc front>'))];
  }
  return [...keytab, ...problem(['kerberos', 'principal'], principalHostProblem(kerberos.principal, xucFronts(spec)))];
};

/** SSO server URLs: the base (CAS) or realm (OIDC) URL, not an endpoint copied from the browser. */
const ssoUrls: Rule = (spec) => [
  ...(spec.auth?.cas ? problem(['cas', 'serverUrl'], casServerUrlProblem(spec.auth.cas.serverUrl)) : []),
  ...(spec.auth?.oidc ? problem(['oidc', 'serverUrl'], oidcServerUrlProblem(spec.auth.oidc.serverUrl)) : []),
];

const xivoDisabled: Rule = (spec) => {
  const auth = spec.auth;
  if (auth?.xivo !== false || auth.ldap || auth.kerberos || auth.cas || auth.oidc) return [];
  return problem(
    ['xivo'],
    'false disables XiVO authentication but no other mode (ldap, kerberos, cas, oidc) is configured: every user would be locked out; configure a mode or remove xivo: false',
  );
};

const outboundQueueRules: Rule = (spec) => {
  const queue = spec.auth?.outboundQueue;
  if (!queue) return [];
  return [
    ...problem(['outboundQueue', 'name'], queueNameProblem(queue.name)),
    ...problem(['outboundQueue', 'number'], queueNumberProblem(queue.number)),
    ...(queue.outboundLength === undefined ? [] : problem(['outboundQueue', 'outboundLength'], outboundLengthProblem(queue.outboundLength))),
  ];
};

const managedVariables: Rule = (spec) =>
  XUC_SERVICES.flatMap((id) =>
    Object.keys(spec.services?.[id]?.env ?? {})
      .filter((name) => managedOf(id).includes(name))
      .map((name) => ({
        path: ['services', id, 'env', name],
        message: `is composed from the auth section (an override would drop authentication modes or JVM flags): remove it and use auth (auth.jvm.extraOptions for JVM flags)`,
      })),
  );

const authNeedsXuc: Rule = (spec, env) => {
  if (!spec.auth || XUC_SERVICES.some((id) => env.placement.has(id))) return [];
  return [{ path: ['auth'], message: 'configures xuc but no server runs xuc: add role "cc" or "ucaddon" to a server, or remove the auth section' }];
};

/** `512m`, `2g` → MiB. */
export function jvmSizeMiB(size: string): number {
  const n = Number(size.slice(0, -1));
  const unit = size.slice(-1).toLowerCase();
  return unit === 'g' ? n * 1024 : unit === 'm' ? n : n / 1024;
}

/** The heap must fit in the container's memory limit, or the kernel kills xuc under load. */
const heapFits: Rule = (spec, env) => {
  const jvm = spec.auth?.jvm;
  const problems: Problem[] = [];
  if (jvm?.heapMin && jvm.heapMax && jvmSizeMiB(jvm.heapMin) > jvmSizeMiB(jvm.heapMax)) {
    problems.push(...problem(['jvm', 'heapMin'], `${jvm.heapMin} is larger than heapMax ${jvm.heapMax}: the JVM refuses to start; lower heapMin`));
  }
  const heapMax = jvmSizeMiB(jvm?.heapMax ?? DEFAULT_XUC_HEAP.max);
  for (const id of ['cc.xuc', 'ucaddon.xuc'] as const) {
    const limit = spec.services?.[id]?.memoryMb ?? serviceDefinition(id).memoryMb;
    // 0: no limit (a container adopted without one).
    if (!env.placement.has(id) || limit === undefined || limit === 0 || heapMax < limit) continue;
    problems.push({
      path: jvm?.heapMax ? at('jvm', 'heapMax') : ['services', id, 'memoryMb'],
      message: `-Xmx ${jvm?.heapMax ?? DEFAULT_XUC_HEAP.max} (${heapMax} MiB) does not fit in the ${limit} MiB memory limit of ${id}: keep auth.jvm.heapMax below it (the JVM needs room besides the heap) or raise services["${id}"].memoryMb`,
    });
  }
  return problems;
};

export const AUTH_RULES: readonly Rule[] = [ldapRules, kerberosRules, ssoUrls, xivoDisabled, outboundQueueRules, managedVariables, authNeedsXuc, heapFits];
