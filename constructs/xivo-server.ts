/**
 * XivoServer: one server of a XiVO platform, as one Terraform stack (`<environment>-<server>`) with
 * exactly one Docker provider talking to the server's Docker host, its Docker network, and for each
 * role it carries the host's `custom.env` keys from the catalogue (ServerRole). Constructs built
 * under it find it with `XivoServer.of(this)`: their labels, release, registry, network and how they
 * reach the rest of the platform come from there, never from hand-typed props.
 *
 * Stacks depend on each other in XiVO's start order: the PBX first, then the MDS, then XiVO CC and
 * the UC-Addon, the edge last.
 */
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { DockerProvider, Network, TerraformStack } from './terraform-cdk';
import { HOST_ENV_FILES } from '../catalogue/services';
import { Role } from '../catalogue/types';
import { ADOPTED_NETWORK_IGNORED } from './adoption';
import { checkCrossStackOutputs } from './cross-stack-outputs';
import { Deployment, deploymentLabels, helperImageOf } from './deployment';
import { EnvFileKeys } from './env-file-keys';
import { prepareEnvSources } from './env-source';
import { ValidationError } from './errors';
import { labelList } from './labels';
import { guardSharedToken } from './shared-token';
import { PlanTimeFile } from './plan-time-file';
import { startTier } from './platform-rules';
import { importExisting, requireTerraformVersion } from './terraform-version';
import { PlatformDirectory, PlatformServer, XivoPlatform } from './xivo-platform';

/** Client TLS files of a `tcp://` Docker host: read by Terraform at plan time, never at synth. */
export interface DockerTlsFiles {
  /** CA certificate of the engine (PEM), an absolute path. */
  readonly caFile: string;
  /** Client certificate (PEM), an absolute path. */
  readonly certFile: string;
  /** Client key (PEM), an absolute path. */
  readonly keyFile: string;
}

/** How Terraform reaches the server's Docker engine (kreuzwerker/docker provider). */
export interface DockerHost {
  /** `unix:///var/run/docker.sock`, `ssh://user@host[:port]` or `tcp://host:port`. */
  readonly host: string;
  /** Extra ssh options of an `ssh://` host. @default none */
  readonly sshOpts?: readonly string[];
  /** Client TLS files of a `tcp://` host. @default none */
  readonly tls?: DockerTlsFiles;
}

export interface XivoServerProps {
  /** The platform the server belongs to: its stack is `<platform environment>-<name>`. */
  readonly platform: XivoPlatform;
  /** Address other servers reach this one at. */
  readonly address: string;
  /** DNS name of the server. @default none */
  readonly fqdn?: string;
  /** The server's Docker engine. */
  readonly docker: DockerHost;
  /** The XiVO products on this server; each writes its host `custom.env` keys (catalogue HOST_ENV_FILES). */
  readonly roles: readonly Role[];
  /**
   * An existing Docker network to adopt as the server's network (taking over an installation):
   * imported by the first apply, never replaced. @default a new network named after the stack
   */
  readonly adoptNetwork?: string;
}

export class XivoServer extends TerraformStack implements PlatformServer {
  /** The XivoServer a construct is built under. */
  static of(scope: IConstruct): XivoServer {
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) if (c instanceof XivoServer) return c;
    throw new ValidationError(
      'is not built under a XivoServer: build it in the XivoServer of its server (new XivoServer(app, name, { platform, ... }))',
      scope,
    );
  }

  readonly platform: XivoPlatform;
  readonly serverName: string;
  readonly stackName: string;
  readonly address: string;
  readonly fqdn?: string;
  readonly dockerHost: string;
  /** The server's Docker engine, as given (a key stack of the server reaches the same engine). */
  readonly docker: DockerHost;
  readonly roles: readonly Role[];
  /** The server's Docker network: every container joins it, under its container name. */
  readonly network: Network;
  /** What the constructs of this server are deployed with. */
  readonly deployment: Deployment;
  private readonly roleScopes = new Map<Role, ServerRole>();

  /** @param name the server name (the `org.xivo.server` label); the stack is `<platform environment>-<name>` */
  constructor(scope: Construct, name: string, props: XivoServerProps) {
    const stackName = `${props.platform.environment}-${name}`;
    super(scope, stackName);
    guardSharedToken(this);
    this.platform = props.platform;
    this.serverName = name;
    this.stackName = stackName;
    this.address = props.address;
    this.fqdn = props.fqdn;
    this.dockerHost = props.docker.host;
    this.docker = props.docker;
    this.roles = [...new Set(props.roles)];

    dockerProvider(this, props.docker);
    requireTerraformVersion(this);
    checkCrossStackOutputs(this);
    this.network = new Network(this, 'network', {
      name: props.adoptNetwork ?? stackName,
      driver: 'bridge',
      labels: labelList({ 'org.xivo.environment': props.platform.environment, 'org.xivo.server': name }),
      // Taking over: the installation's network (Compose's project network) stays, with what its creator gave it.
      lifecycle: props.adoptNetwork ? { ignoreChanges: [...ADOPTED_NETWORK_IGNORED] } : undefined,
    });
    if (props.adoptNetwork) importExisting(this.network, props.adoptNetwork);
    this.deployment = {
      environment: props.platform.environment,
      release: props.platform.release,
      dist: props.platform.dist,
      registry: props.platform.registry,
      helperImage: props.platform.helperImage,
      server: name,
      network: this.network,
      logging: props.platform.logging,
      onXivoHost: this.roles.includes(Role.XIVO),
    };

    // XiVO's start order: a stack waits for every stack of a lower tier.
    const tier = (s: PlatformServer) => startTier(s.roles);
    for (const other of props.platform.servers) {
      if (!(other instanceof XivoServer)) continue;
      if (tier(other) < tier(this)) this.addDependency(other);
      else if (tier(other) > tier(this)) other.addDependency(this);
    }
    props.platform.addServer(this);
    for (const role of this.roles) this.roleScopes.set(role, new ServerRole(this, role));
  }

  /**
   * Called once by the server's key stack (`ServerKeyStack.of`) when it is created, after its Docker
   * provider: a subclass gives it the same kind of state backend as the server's own stack.
   * @default nothing: cdktf's local backend
   */
  configureKeyStack(_keyStack: TerraformStack): void {}

  /** How the platform looks from this server: public names, and where the other services are reached from here. */
  get directory(): PlatformDirectory {
    return this.platform.directoryOf(this);
  }

  /** The scope of a role this server carries (its `custom.env` keys are there): build the role's services in it. */
  role(role: Role): ServerRole {
    const scope = this.roleScopes.get(role);
    if (!scope) throw new ValidationError(`carries no role "${role}" (its roles: ${this.roles.join(', ')}): add it to the server's roles`, this);
    return scope;
  }
}

/** The one Docker provider of a stack that deploys on `docker` (client TLS files read at plan time). */
export function dockerProvider(stack: TerraformStack, docker: DockerHost): DockerProvider {
  const { tls } = docker;
  const file = (p: string) => PlanTimeFile.fromFile(path.resolve(p)).text(stack);
  return new DockerProvider(stack, 'docker', {
    host: docker.host,
    sshOpts: docker.sshOpts ? [...docker.sshOpts] : undefined,
    caMaterial: tls ? file(tls.caFile) : undefined,
    certMaterial: tls ? file(tls.certFile) : undefined,
    keyMaterial: tls ? file(tls.keyFile) : undefined,
  });
}

/**
 * What one role (XiVO PBX, MDS, XiVO CC, UC-Addon) puts on its server besides its services: its
 * host `custom.env` keys, the ones the catalogue gives the role (HOST_ENV_FILES: the shared token
 * and the public names the role's tools read), updated key by key (EnvFileKeys).
 */
export class ServerRole extends Construct {
  readonly role: Role;
  /** The role's `custom.env`, managed key by key; none for a role without one (the edge). */
  readonly envFile?: EnvFileKeys;

  constructor(server: XivoServer, role: Role) {
    super(server, role);
    this.role = role;
    const file = HOST_ENV_FILES.find((f) => f.role === role);
    if (file) {
      this.envFile = new EnvFileKeys(this, 'custom-env', {
        path: file.path,
        values: prepareEnvSources(this, file.variables, server.directory),
        labels: deploymentLabels(server.deployment, role, 'custom-env'),
        helperImage: helperImageOf(server.deployment),
      });
    }
  }
}
