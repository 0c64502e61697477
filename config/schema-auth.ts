/**
 * Environment-file section `auth`: xuc authentication modes (XiVO CC documentation, "System Configuration"). Owned by the
 * authentication feature (XucService, AuthLdap, AuthKerberos, AuthCas, AuthOidc, OutboundQueue).
 *
 * Secrets are never written here: they come from fixed, sensitive Terraform variables
 * (TF_VAR_<name>) and from files read by Terraform at plan time. A secret key written here
 * is an error that names the variable to set instead.
 */
import { z } from 'zod';
import { AUTH_SECRET_VARIABLES } from '../constructs/xuc/auth-modes';
import { DEFAULT_LOGIN_TIMEOUT_MS, KERBEROS_ENCRYPTION_TYPES, LOGIN_TIMEOUT_LIMITS_MS } from '../constructs/xuc/xuc-defaults';
import { DEFAULT_XUC_HEAP } from '../catalogue/services';
import { filePath } from './input-files';

/** Fixed names of the secret Terraform variables (set `TF_VAR_<name>` when planning). */
/** A key that would hold a secret: rejected with the variable to set instead. */
const noSecret = (variable: string) =>
  z
    .unknown()
    .refine((v) => v === undefined, {
      message: `secrets are never written in the environment file: remove it and set TF_VAR_${variable} when planning`,
    })
    .optional();

const HOST_PORT = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;
const hostPort = z
  .string()
  .regex(HOST_PORT, { message: 'must be a host name or address with an optional port, e.g. "kdc.example.com" or "10.0.0.5:88"' });
const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https:// URL (the browser and xuc both reach it; http would leak tokens)' });
const JVM_SIZE = /^\d+[kmgKMG]$/;
/** "4GB", "512 MiB": the JVM reads one letter; say which. */
const jvmSize = z.string().regex(JVM_SIZE, {
  error: (issue) => {
    const near = /^\s*(\d+)\s*([kmgKMG])(?:i?[bB])?\s*$/.exec(String(issue.input));
    return near
      ? `"${String(issue.input)}": the JVM reads a size as digits and one letter (k, m or g); write "${near[1]}${near[2].toLowerCase()}"`
      : 'must be a JVM memory size such as "512m" or "2g"';
  },
});

const ldap = z
  .object({
    url: z
      .string()
      .regex(/^ldaps?:\/\//, { message: 'must start with ldap:// or ldaps://, e.g. "ldaps://ldap.example.com:636"' })
      .describe('ldap://HOST:389 or ldaps://HOST:636; the port is mandatory (XiVO CC "System Configuration")'),
    managerDN: z.string().min(1).describe('DN of an account with read rights on the users, e.g. uid=xuc,ou=people,dc=example,dc=com'),
    managerPassword: noSecret(AUTH_SECRET_VARIABLES.ldapManagerPassword),
    searchBase: z.string().min(1).describe('Where users are searched, e.g. ou=people,dc=example,dc=com'),
    userSearchFilter: z.string().min(1).describe('Filter finding a user by login; %s is the login, e.g. "uid=%s"'),
    caFile: filePath
      .optional()
      .describe(
        'ldaps:// with a private CA: PEM file of the CA or full chain of the LDAP server (CUSTOMER_LDAP_CERT), relative to the environment file',
      ),
  })
  .strict();

const kerberos = z
  .object({
    realm: z.string().regex(/^[A-Z0-9][A-Z0-9.-]*$/, { message: 'must be the realm in upper case, e.g. "EXAMPLE.COM"' }),
    kdc: z.array(hostPort).min(1, { message: 'must list at least one KDC' }).describe('KDC host[:port] list of the realm'),
    adminServer: hostPort.describe('Admin server (kadmind) host[:port]'),
    principal: z
      .string()
      .regex(/^HTTP\/[A-Za-z0-9.-]+$/, { message: 'must be HTTP/<fqdn of the xuc front>, e.g. "HTTP/cc.example.com" (no realm)' })
      .optional()
      .describe('Service principal; default HTTP/<publicNames.xucHost>'),
    keytabFile: filePath.describe('Keytab holding the principal, relative to the environment file; read by Terraform at plan time, never committed'),
    password: noSecret(AUTH_SECRET_VARIABLES.kerberosPassword),
    encryptionTypes: z
      .array(z.enum(KERBEROS_ENCRYPTION_TYPES, { message: `is not supported by XiVO CC: use one of ${KERBEROS_ENCRYPTION_TYPES.join(', ')}` }))
      .min(1)
      .optional()
      .describe('Encryption types of the keytab; default [aes256-cts-hmac-sha1-96]'),
  })
  .strict();

const cas = z
  .object({
    serverUrl: httpsUrl.describe('CAS server URL, e.g. https://cas.example.com/cas'),
    logout: z.boolean().optional().describe('CAS_LOGOUT_ENABLE: log out of CAS with the application; default false'),
  })
  .strict();

const oidc = z
  .object({
    serverUrl: httpsUrl.describe('OIDC realm URL, e.g. https://sso.example.com/realms/xivo'),
    clientId: z
      .string()
      .regex(/^[^,\s]+$/, { message: 'must be one client id without commas or spaces' })
      .describe('Client id of the web applications (xucmgt)'),
    xucClientIds: z
      .array(z.string().regex(/^[^,\s]+$/, { message: 'must be a client id without commas or spaces' }))
      .min(1)
      .optional()
      .describe('Client ids xuc accepts; default [clientId]'),
    default: z.boolean().optional().describe('ENABLE_OIDC: make OIDC the default login; default false'),
    audience: z.string().min(1).optional().describe('OIDC_AUDIENCE; default unset: xuc accepts its own client ids (OIDC_CLIENT_ID list)'),
    usernameField: z.string().min(1).optional().describe('OIDC_USERNAME_FIELD; default preferred_username'),
    logout: z.boolean().optional().describe('OIDC_LOGOUT_ENABLE (Keycloak < 18 only); default false'),
  })
  .strict();

const outboundQueue = z
  .object({
    name: z.string().describe('Queue name; must start with "out", e.g. outbound'),
    number: z.string().describe('Queue number (digits)'),
    outboundLength: z.number().int().optional().describe('xuc.outboundLength: numbers longer than this go through the queue; default 6'),
  })
  .strict();

const jvm = z
  .object({
    heapMin: jvmSize.optional().describe(`-Xms of xuc; default ${DEFAULT_XUC_HEAP.min}`),
    heapMax: jvmSize.optional().describe(`-Xmx of xuc; default ${DEFAULT_XUC_HEAP.max}`),
    extraOptions: z.array(z.string().regex(/^-\S+$/, { message: 'must be one JVM option starting with "-" and without spaces' })).optional(),
  })
  .strict();

export const authSchema = z
  .object({
    xivo: z.boolean().optional().describe('false disables XiVO authentication (authentication.xivo = ""); needs another mode'),
    loginTimeoutMs: z
      .number()
      .int()
      .min(LOGIN_TIMEOUT_LIMITS_MS.min)
      .max(LOGIN_TIMEOUT_LIMITS_MS.max)
      .optional()
      .describe(`LOGIN_TIMEOUT_MS; default ${DEFAULT_LOGIN_TIMEOUT_MS}`),
    allowXucUserLogin: z
      .boolean()
      .optional()
      .describe('true sets AUTH_PREVENT_XUC_LOGIN=false (advised against by XiVO CC "System Configuration"); default false'),
    ldap: ldap.optional(),
    kerberos: kerberos.optional(),
    cas: cas.optional(),
    oidc: oidc.optional(),
    outboundQueue: outboundQueue.optional(),
    jvm: jvm.optional(),
  })
  .strict();
