/**
 * Literal secrets: a value in an environment file ends up in cdk.tf.json, plan output, CI
 * logs and pull requests. Names that say "secret" are refused in container env and in JVM
 * `-D` flags, URLs may not carry user info, and the `-D` flags the auth section composes
 * (Kerberos, truststore) cannot be written by hand. Each message says what to use instead.
 */
import { AUTH_SECRET_VARIABLES } from '../constructs/xuc/auth-modes';
import * as path from 'path';
import type { Problem, Rule } from './rule';
import type { EnvironmentFile } from './schema';
import { trackedByGit } from './git-index';

/** Names that hold a secret, in any case: password, passwd, pwd, passphrase, secret, token, private key, API key, credentials. */
export const SECRET_NAME = /passw(or)?d|passphrase|(^|[^a-z])pass($|[^a-z])|pwd|secret|token|private[_.-]?key|api[_.-]?key|credential/i;

const TF_VARIABLES = ['play_auth_token', ...Object.values(AUTH_SECRET_VARIABLES)].map((v) => `TF_VAR_${v}`).join(', ');

export const SECRET_MESSAGES = {
  envName: (name: string, id: string) =>
    `"${name}" names a secret: its value would be written in cdk.tf.json, plans and CI logs; use the Terraform variables this project declares (${TF_VARIABLES}), or put the secret in a file on the Docker host and mount it read-only (services["${id}"].volumes with hostPath)`,
  jvmSecret: (name: string) =>
    `-D${name} names a secret: JAVA_OPTS is written in cdk.tf.json and shown by docker inspect; the auth section passes its secrets from ${TF_VARIABLES.replace('TF_VAR_play_auth_token, ', '')}; give other secrets to xuc in a file mounted read-only`,
  envFlag: (name: string, id: string) =>
    `holds -D${name}, which names a secret: env values are written in cdk.tf.json and shown by docker inspect; put the secret in a file on the Docker host and mount it read-only (services["${id}"].volumes with hostPath)`,
  jvmKerberos: (name: string) =>
    `-D${name} is composed by auth.kerberos (principal, keyTab, password from TF_VAR_${AUTH_SECRET_VARIABLES.kerberosPassword}): configure auth.kerberos instead`,
  jvmTruststore: (name: string) =>
    `-D${name} is composed by auth.ldap.caFile (truststore built at deploy, password from TF_VAR_${AUTH_SECRET_VARIABLES.truststorePassword}): give the CA with auth.ldap.caFile instead`,
  userInfo: (instead: string) =>
    `holds user info (user:password@): credentials in a URL are written in cdk.tf.json and logs; remove them, ${instead}`,
} as const;

/** `-Dname=value` → name. */
const systemPropertyName = (option: string) => /^-D([^=]+)/.exec(option)?.[1];
/** `scheme://user[:password]@host` */
export const hasUserInfo = (url: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/.test(url);

const secretEnvNames: Rule = (spec) =>
  Object.entries(spec.services ?? {}).flatMap(([id, o]) =>
    Object.entries(o.env ?? {}).flatMap(([name, value]): Problem[] => {
      const at = ['services', id, 'env', name];
      if (name === 'PLAY_AUTH_TOKEN') return [];
      if (SECRET_NAME.test(name)) return [{ path: at, message: SECRET_MESSAGES.envName(name, id) }];
      // JVM flags in any variable (JAVA_OPTS of a service the auth section does not compose, CATALINA_OPTS...).
      const flag = [...value.matchAll(/(?:^|\s)-D([^=\s]+)=/g)].map((m) => m[1]).find((property) => SECRET_NAME.test(property));
      return flag ? [{ path: at, message: SECRET_MESSAGES.envFlag(flag, id) }] : [];
    }),
  );

const jvmFlags: Rule = (spec) =>
  (spec.auth?.jvm?.extraOptions ?? []).flatMap((option, i): Problem[] => {
    const name = systemPropertyName(option);
    const at = ['auth', 'jvm', 'extraOptions', i];
    if (!name) return [];
    if (/^secured\.krb5\./i.test(name)) return [{ path: at, message: SECRET_MESSAGES.jvmKerberos(name) }];
    if (/^javax\.net\.ssl\.truststore/i.test(name)) return [{ path: at, message: SECRET_MESSAGES.jvmTruststore(name) }];
    if (SECRET_NAME.test(name)) return [{ path: at, message: SECRET_MESSAGES.jvmSecret(name) }];
    return [];
  });

const urlUserInfo: Rule = (spec) => {
  const urls: [(string | number)[], string | undefined, string][] = [
    [
      ['auth', 'ldap', 'url'],
      spec.auth?.ldap?.url,
      `the bind account is auth.ldap.managerDN and its password TF_VAR_${AUTH_SECRET_VARIABLES.ldapManagerPassword}`,
    ],
    [['auth', 'cas', 'serverUrl'], spec.auth?.cas?.serverUrl, 'the CAS server URL takes no credentials'],
    [['auth', 'oidc', 'serverUrl'], spec.auth?.oidc?.serverUrl, 'the OIDC realm URL takes no credentials (the clients are public)'],
    [
      ['backend', 'address'],
      spec.backend?.type === 'http' ? spec.backend.address : undefined,
      'the http backend reads TF_HTTP_USERNAME and TF_HTTP_PASSWORD at plan time',
    ],
  ];
  return urls
    .filter(([, url]) => url !== undefined && hasUserInfo(url))
    .map(([path, , instead]) => ({ path, message: SECRET_MESSAGES.userInfo(instead) }));
};

/** The private key files an environment names: provided keys, Docker client keys, the keytab. */
function privateKeyFiles(spec: EnvironmentFile): { path: (string | number)[]; file: string }[] {
  const provided = (at: (string | number)[], p: { keyFile: string } | undefined) => (p ? [{ path: [...at, 'keyFile'], file: p.keyFile }] : []);
  return [
    ...provided(['tls', 'provided'], spec.tls?.provided),
    ...provided(['tls', 'cti', 'provided'], spec.tls?.cti?.provided),
    ...provided(['edge', 'provided'], spec.edge?.provided),
    ...spec.servers.flatMap((s, i) => (s.docker.tls ? [{ path: ['servers', i, 'docker', 'tls', 'keyFile'], file: s.docker.tls.keyFile }] : [])),
    ...(spec.auth?.kerberos ? [{ path: ['auth', 'kerberos', 'keytabFile'], file: spec.auth.kerberos.keytabFile }] : []),
  ];
}

/** A private key file committed to git is in every clone, fork and CI cache of the repository: warned at synth. */
const trackedKeyFiles: Rule = (spec, env) =>
  privateKeyFiles(spec)
    .filter(({ file }) => trackedByGit(path.resolve(env.directory, file)))
    .map(({ path: at, file }) => ({
      path: at,
      severity: 'warning' as const,
      message: `"${file}" is a private key tracked by git: every clone of the repository holds it; remove it from the index (git rm --cached ${file}), keep it out of the repository (.gitignore covers key files under environments/) and replace the key`,
    }));

export const SECRET_RULES: readonly Rule[] = [secretEnvNames, jvmFlags, urlUserInfo, trackedKeyFiles];
