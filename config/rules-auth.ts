/**
 * Cross-field rules of the `auth` section. The checks on single values live with the
 * constructs (constructs/xuc/auth-checks.ts), so both reject the same bad values with the
 * same words.
 */
import { serviceDefinition } from '../catalogue/services';
import { ServiceId } from '../catalogue/types';
import { checkInputFile, MAX_KEYTAB_BYTES, readInputFile } from './input-files';
import type { Problem, Rule } from './rule';
import { MANAGED_XUC_VARIABLES, MANAGED_XUCMGT_VARIABLES } from '../constructs/xuc/auth-modes';
import { heapLimitProblem, heapOrderProblem, MANAGED_JVM_VARIABLES } from '../constructs/xuc/xuc-defaults';
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
/** Variables an environment file may not set on a xuc or xucmgt: the same composed ones on both (Kerberos sets XUC_HOST on each), JVM ones on xuc. */
const managedOf = (id: ServiceId): readonly string[] => [
  ...MANAGED_XUC_VARIABLES,
  ...MANAGED_XUCMGT_VARIABLES,
  ...(serviceDefinition(id).name === 'xuc' ? MANAGED_JVM_VARIABLES : []),
];

/**
 * DNS names by which users reach the xuc of a role (the Kerberos SPN host must be one of them):
 * its public name, and for XiVO CC the Edge reverse proxy's name when there is one.
 */
export function frontsOf(names: PublicFrontNames, edgeName: string | undefined, role: 'cc' | 'ucaddon'): string[] {
  const fronts = role === 'cc' ? [names.xucHost, edgeName] : [names.ucAddonHost];
  return fronts.filter((h): h is string => !!h);
}

/** The public names of the xuc fronts: the file's `publicNames`, or the model's. */
export interface PublicFrontNames {
  readonly xucHost?: string;
  readonly ucAddonHost?: string;
}

/** Every front of the environment. */
export function xucFronts(names: PublicFrontNames, edgeName: string | undefined): string[] {
  return [...frontsOf(names, edgeName, 'cc'), ...frontsOf(names, edgeName, 'ucaddon')];
}

const at = (...keys: (string | number)[]) => ['auth', ...keys];
const problem = (pathKeys: (string | number)[], message: string | undefined): Problem[] => (message ? [{ path: at(...pathKeys), message }] : []);

const ldapRules: Rule = (spec, env) => {
  const ldap = spec.auth?.ldap;
  if (!ldap) return [];
  const problems = [
    ...problem(['ldap', 'url'], ldapUrlProblem(ldap.url)),
    ...problem(['ldap', 'userSearchFilter'], userSearchFilterProblem(ldap.userSearchFilter)),
  ];
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
    return [
      ...keytab,
      ...(spec.publicNames.xucHost
        ? []
        : problem(['kerberos', 'principal'], 'is required without publicNames.xucHost: write HTTP/<DNS name of the xuc front>')),
    ];
  }
  return [
    ...keytab,
    ...problem(['kerberos', 'principal'], principalHostProblem(kerberos.principal, xucFronts(spec.publicNames, spec.edge?.publicName))),
  ];
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

/** The heap must fit in the container's memory limit, or the kernel kills xuc under load (the check XucService applies too). */
const heapFits: Rule = (spec, env) => {
  const jvm = spec.auth?.jvm;
  const heap = { min: env.auth.jvm.heapMin, max: env.auth.jvm.heapMax };
  const order = jvm?.heapMin ? heapOrderProblem(heap, { min: 'heapMin', max: 'heapMax' }) : undefined;
  const problems: Problem[] = problem(['jvm', 'heapMin'], order);
  for (const id of ['cc.xuc', 'ucaddon.xuc'] as const) {
    if (!env.placement.has(id)) continue;
    const limit = spec.services?.[id]?.memoryMb ?? serviceDefinition(id).memoryMb;
    const message = heapLimitProblem(heap, limit, { max: 'auth.jvm.heapMax', memory: `services["${id}"].memoryMb`, service: id });
    if (message) problems.push({ path: jvm?.heapMax ? at('jvm', 'heapMax') : ['services', id, 'memoryMb'], message });
  }
  return problems;
};

export const AUTH_RULES: readonly Rule[] = [
  ldapRules,
  kerberosRules,
  ssoUrls,
  xivoDisabled,
  outboundQueueRules,
  managedVariables,
  authNeedsXuc,
  heapFits,
];
