/**
 * The resolved environment: what the stacks, the runbooks and the estate documents are built
 * from, after validation. Everything is decided here, once (config/resolve.ts): placement (which
 * service runs on which server), the public names, and the `auth`, `tls`, `edge` and
 * `xucCredentials` sections with their defaults applied. Nothing above this layer reads the file.
 * Every string is a Terraform literal already (config/literal.ts).
 */
import { containerName } from '../catalogue/services';
import { PublicName, Role, ServiceDefinition, ServiceId } from '../catalogue/types';
import type { XucCredential } from '../catalogue/xuc-credentials';
import type { KerberosEncryptionType } from '../constructs/xuc/xuc-defaults';
import type { ConfigIssue } from './errors';
import type { BackendSpec, DockerConnectionSpec, EnvironmentFile, ServiceOverride } from './schema';
import type { EdgeSpec, TlsSpec } from './schema-tls';

export interface ServerModel {
  readonly name: string;
  /** Stack name: `<env>-<server>`. */
  readonly stackName: string;
  readonly address: string;
  readonly fqdn?: string;
  readonly docker: DockerConnectionSpec;
  readonly roles: readonly Role[];
  /** Enabled catalogue services placed on this server, in catalogue order. */
  readonly services: readonly ServiceDefinition[];
  /** Existing Docker network adopted as the server's network (taking over an installation). @default a new network */
  readonly adoptNetwork?: string;
  /** Debian major version the file states for the host (checked against the release). @default not stated */
  readonly debian?: number;
}

/** The file's `auth` section as written (literalized), for the modes' own sections. */
type AuthSection = NonNullable<EnvironmentFile['auth']>;

/**
 * The `auth` section with its defaults applied (also when the file has none: XiVO's own login, the
 * default timeout and heap). An authentication mode is present when the file configures it; a mode
 * without defaults keeps its section as written.
 */
export interface AuthModel extends Omit<
  AuthSection,
  'xivo' | 'loginTimeoutMs' | 'allowXucUserLogin' | 'jvm' | 'kerberos' | 'cas' | 'oidc' | 'outboundQueue'
> {
  /** XiVO's own login (`auth.xivo`). */
  readonly xivo: boolean;
  readonly loginTimeoutMs: number;
  readonly allowXucUserLogin: boolean;
  readonly jvm: { readonly heapMin: string; readonly heapMax: string; readonly extraOptions: readonly string[] };
  readonly kerberos?: Omit<NonNullable<AuthSection['kerberos']>, 'principal' | 'encryptionTypes'> & {
    /** `HTTP/<fqdn>`: as written, else `HTTP/<publicNames.xucHost>` (undefined only without xucHost: the rules refuse it). */
    readonly principal?: string;
    readonly encryptionTypes: readonly KerberosEncryptionType[];
  };
  readonly cas?: NonNullable<AuthSection['cas']> & { readonly logout: boolean };
  readonly oidc?: NonNullable<AuthSection['oidc']> & {
    readonly xucClientIds: readonly string[];
    readonly default: boolean;
    readonly usernameField: string;
    readonly logout: boolean;
  };
  readonly outboundQueue?: NonNullable<AuthSection['outboundQueue']> & { readonly outboundLength: number };
}

/** xuc's credentials towards XiVO (`xucCredentials`) with the catalogue's defaults applied. */
export interface XucCredentialsModel {
  readonly ctiUser: string;
  readonly webServicesUser: string;
  readonly amiUser: string;
  /** xuc's variable name of each credential: the file's, else the catalogue's (inferred). */
  readonly envNames: Readonly<Record<XucCredential, string>>;
  /** The credentials whose variable name the file gives (the others are the catalogue's inference). */
  readonly envNamesGiven: readonly XucCredential[];
}

export interface Environment {
  readonly name: string;
  /** Path of the environment file, relative to the working directory. */
  readonly file: string;
  /** Absolute directory of the environment file (relative file paths in it resolve from here). */
  readonly directory: string;
  readonly release: string;
  readonly dist: string;
  readonly registry?: string;
  /** The helpers' image as the file gives it (pinned by digest). @default the catalogue's, behind `registry` */
  readonly helperImage?: string;
  readonly backend: BackendSpec;
  readonly logging: { readonly maxSize: string; readonly maxFile: number };
  readonly publicNames: Readonly<Record<PublicName, string | undefined>>;
  readonly servers: readonly ServerModel[];
  /** Where each enabled service runs. */
  readonly placement: ReadonlyMap<ServiceId, ServerModel>;
  readonly overrides: Readonly<Record<string, ServiceOverride>>;
  readonly auth: AuthModel;
  /** The `tls` section with its defaults (also when the file has none: an internal CA). */
  readonly tls: TlsSpec;
  /** The `edge` section with its defaults; present exactly when a server carries role edge. @default none */
  readonly edge?: EdgeSpec;
  readonly xucCredentials: XucCredentialsModel;
  /** Absolute paths of every file the environment names (keytab, certificates, CA and Docker TLS files), sorted. */
  readonly inputFiles: readonly string[];
  /** Settings that work but deserve a word, at their file, line and key (printed by synth). @default none */
  readonly warnings?: readonly ConfigIssue[];
}

export function serversWithRole(env: Environment, role: Role): ServerModel[] {
  return env.servers.filter((s) => s.roles.includes(role));
}

/** Docker name of a service's container: the adopted container's own name, else the catalogue's. */
export function containerNameOf(env: Environment, def: ServiceDefinition): string {
  return env.overrides[def.id]?.adoptContainer?.name ?? containerName(def);
}
