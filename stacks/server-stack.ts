/**
 * ServerStack: one server of an environment file, as the library's XivoServer (its stack
 * `<env>-<server>`, Docker provider, network and role files) plus the state backend the file declares.
 */
import * as path from 'path';
import { Construct } from 'constructs';
import { Annotations, HttpBackend, LocalBackend, PgBackend, PgBackendConfig, S3Backend, TerraformStack } from '../constructs/terraform-cdk';
import { Environment, ServerModel } from '../config/model';
import { PlanTimeFile } from '../constructs/plan-time-file';
import { secureStateDirectory } from './state-directory';
import { recordStateEncryption } from './state-encryption';
import { XivoPlatform } from '../constructs/xivo-platform';
import { XivoServer } from '../constructs/xivo-server';

/** Directory of local state files, relative to the working directory (git-ignored). */
export const LOCAL_STATE_DIR = 'terraform-state';

/** The PostgreSQL schema holding a stack's state under the pg backend (one schema per stack). */
export function pgSchemaOf(environment: Environment, stackName: string): string {
  const prefix = environment.backend.type === 'pg' ? (environment.backend.schemaPrefix ?? '') : '';
  return `${prefix}${stackName}`.replace(/-/g, '_');
}

export interface ServerStackProps {
  readonly platform: XivoPlatform;
  readonly environment: Environment;
  readonly server: ServerModel;
}

export class ServerStack extends XivoServer {
  readonly environment: Environment;
  readonly server: ServerModel;

  constructor(scope: Construct, props: ServerStackProps) {
    const { environment, server } = props;
    const file = (p: string) => path.resolve(environment.directory, p);
    const tls = server.docker.tls;
    super(scope, server.name, {
      platform: props.platform,
      address: server.address,
      fqdn: server.fqdn,
      docker: {
        host: server.docker.host,
        sshOpts: server.docker.sshOpts,
        tls: tls && { caFile: file(tls.caFile), certFile: file(tls.certFile), keyFile: file(tls.keyFile) },
      },
      roles: server.roles,
      adoptNetwork: server.adoptNetwork,
    });
    this.environment = environment;
    this.server = server;
    configureBackend(this, environment, server.stackName);
  }

  /** The server's key stack (`<stack>-key`) keeps its state in the same backend, under its own name. */
  override configureKeyStack(keyStack: TerraformStack): void {
    configureBackend(keyStack, this.environment, keyStack.node.id);
  }
}

/** Local state by default, at a relative path; or the remote backend the environment declares. */
function configureBackend(stack: TerraformStack, environment: Environment, name: string): void {
  const backend = environment.backend;
  // OpenTofu's state encryption: only the passphrase's variable name, for deploy (TF_ENCRYPTION); no configuration, no value.
  if (backend.encryption) recordStateEncryption(stack, backend.encryption.passphraseEnv);
  switch (backend.type) {
    case 'local': {
      const dir = backend.directory ? path.resolve(environment.directory, backend.directory) : path.resolve(LOCAL_STATE_DIR);
      new LocalBackend(stack, { path: PlanTimeFile.fromFile(path.join(dir, `${name}.tfstate`)).pathFrom(stack) });
      const tightened = secureStateDirectory(dir);
      if (tightened) Annotations.of(stack).addWarning(tightened);
      break;
    }
    case 's3':
      new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix ?? ''}${name}.tfstate`,
        region: backend.region,
        encrypt: true,
        dynamodbTable: backend.dynamodbTable,
      });
      break;
    case 'pg':
      // conn_str holds a password: left out so Terraform reads PG_CONN_STR at init.
      new PgBackend(stack, { schemaName: pgSchemaOf(environment, name) } as PgBackendConfig);
      break;
    case 'http':
      // Credentials come from TF_HTTP_USERNAME / TF_HTTP_PASSWORD.
      new HttpBackend(stack, { address: `${backend.address.replace(/\/$/, '')}/${name}` });
      break;
  }
}
