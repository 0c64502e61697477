/**
 * ServerStack: everything one server of an environment runs, as one Terraform stack
 * named `<env>-<server>`, with exactly one Docker provider talking to that server's host.
 */
import * as path from 'path';
import { Construct } from 'constructs';
import { HttpBackend, LocalBackend, PgBackend, PgBackendConfig, S3Backend, TerraformStack } from 'cdktf';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Environment, ServerModel } from '../config/model';
import { labelList } from '../constructs/labels';
import { ADOPTED_NETWORK_IGNORED } from '../constructs/adoption';
import { PlanTimeFile } from '../constructs/plan-time-file';
import { importExisting } from '../constructs/terraform-version';
import { requireTerraformVersion } from '../constructs/terraform-version';
import { deploymentOf } from './deployment';
import { RoleDeployment } from './roles/role-deployment';

/** Directory of local state files, relative to the working directory (git-ignored). */
export const LOCAL_STATE_DIR = 'terraform-state';

/** The PostgreSQL schema holding a stack's state under the pg backend (one schema per stack). */
export function pgSchemaOf(environment: Environment, stackName: string): string {
  const prefix = environment.backend.type === 'pg' ? (environment.backend.schemaPrefix ?? '') : '';
  return `${prefix}${stackName}`.replace(/-/g, '_');
}

export interface ServerStackProps {
  readonly environment: Environment;
  readonly server: ServerModel;
}

export class ServerStack extends TerraformStack {
  readonly environment: Environment;
  readonly server: ServerModel;
  readonly network: Network;
  readonly roles: RoleDeployment[];

  constructor(scope: Construct, props: ServerStackProps) {
    const { environment, server } = props;
    super(scope, server.stackName);
    this.environment = environment;
    this.server = server;

    this.configureProvider();
    this.configureBackend();
    requireTerraformVersion(this);

    this.network = new Network(this, 'network', {
      name: server.adoptNetwork ?? server.stackName,
      driver: 'bridge',
      labels: labelList({ 'org.xivo.environment': environment.name, 'org.xivo.server': server.name }),
      // Taking over: the installation's network (Compose's project network) stays, with what its creator gave it.
      lifecycle: server.adoptNetwork ? { ignoreChanges: [...ADOPTED_NETWORK_IGNORED] } : undefined,
    });
    if (server.adoptNetwork) importExisting(this.network, server.adoptNetwork);
    const deployment = deploymentOf(environment, server, this.network);
    this.roles = server.roles.map(
      (role) => new RoleDeployment(this, role, { role, environment, server, network: this.network, deployment }),
    );
  }

  private configureProvider(): void {
    const { docker } = this.server;
    const file = (p: string) => PlanTimeFile.fromFile(path.resolve(this.environment.directory, p)).text(this);
    new DockerProvider(this, 'docker', {
      host: docker.host,
      sshOpts: docker.sshOpts,
      caMaterial: docker.tls ? file(docker.tls.caFile) : undefined,
      certMaterial: docker.tls ? file(docker.tls.certFile) : undefined,
      keyMaterial: docker.tls ? file(docker.tls.keyFile) : undefined,
    });
  }

  /** Local state by default, at a relative path; or the remote backend the environment declares. */
  private configureBackend(): void {
    const backend = this.environment.backend;
    const name = this.server.stackName;
    switch (backend.type) {
      case 'local': {
        const dir = backend.directory ? path.resolve(this.environment.directory, backend.directory) : path.resolve(LOCAL_STATE_DIR);
        new LocalBackend(this, { path: PlanTimeFile.fromFile(path.join(dir, `${name}.tfstate`)).pathFrom(this) });
        break;
      }
      case 's3':
        new S3Backend(this, {
          bucket: backend.bucket,
          key: `${backend.keyPrefix ?? ''}${name}.tfstate`,
          region: backend.region,
          encrypt: true,
          dynamodbTable: backend.dynamodbTable,
        });
        break;
      case 'pg':
        // conn_str holds a password: left out so Terraform reads PG_CONN_STR at init.
        new PgBackend(this, { schemaName: pgSchemaOf(this.environment, name) } as PgBackendConfig);
        break;
      case 'http':
        // Credentials come from TF_HTTP_USERNAME / TF_HTTP_PASSWORD.
        new HttpBackend(this, { address: `${backend.address.replace(/\/$/, '')}/${name}` });
        break;
    }
  }
}
