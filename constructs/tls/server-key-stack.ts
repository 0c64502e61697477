/**
 * ServerKeyStack: the stack that owns a server's private keys when another stack's CA signs its
 * certificates (`<server stack>-key`, e.g. `prod-edge-key`). One owner per private key:
 *
 * - the key and its CSR are made here, and written on the server's Docker host from here
 *   (`HostFile`, the key 0600): the key is in this state only, never in an output;
 * - the CSR, which is public, is this stack's only cross-stack output: the CA's stack (the PBX)
 *   signs it and outputs the certificate, which the server's own stack reads and serves.
 *
 * Why a stack of its own and not the server's: the CA's stack reads the CSR and the server's stack
 * reads the certificate, so a key made in the server's stack would need the CA's stack to be deployed
 * both after and before it (cdktf refuses the cycle), and signing in the server's stack would copy
 * the CA key into its state. The order stays one command (`cdktf deploy '<env>-*'`): key stacks,
 * then the PBX, then the others, as the stacks' dependencies say.
 */
import { Construct, IConstruct } from 'constructs';
import { CertRequest, PrivateKey, TerraformStack } from '../terraform-cdk';
import { checkCrossStackOutputs } from '../cross-stack-outputs';
import { ValidationError } from '../errors';
import { HostFile, hostPathSlug } from '../host-file';
import { requireTerraformVersion } from '../terraform-version';
import { dockerProvider, XivoServer } from '../xivo-server';
import { CERTIFICATE_DEFAULTS, KeySpec } from './key-spec';
import { tlsProvider } from './providers';
import { KeyFiles } from './tls-material';
import { privateKeyArgs, SUBJECT_ORGANIZATION } from './tls-options';

import { KEY_STACK_SUFFIX } from '../platform-rules';
export { KEY_STACK_SUFFIX };

export interface ServerKeyProps {
  /** DNS names of the CSR; the first is the FQDN and the CN. */
  readonly names: readonly string[];
  /** @default CERTIFICATE_DEFAULTS.key (RSA 2048) */
  readonly key?: KeySpec;
  /** Where the key and CSR go on the server's Docker host. */
  readonly files: KeyFiles;
}

export class ServerKeyStack extends TerraformStack {
  /** The key stack of `server`, created on first use (deployed before the server's stack). */
  static of(server: XivoServer): ServerKeyStack {
    const app = server.node.scope!;
    const id = `${server.stackName}${KEY_STACK_SUFFIX}`;
    return (app.node.tryFindChild(id) as ServerKeyStack | undefined) ?? new ServerKeyStack(app, id, server);
  }

  /** The server whose keys this stack holds. */
  readonly server: XivoServer;

  private constructor(scope: Construct, id: string, server: XivoServer) {
    super(scope, id);
    this.server = server;
    dockerProvider(this, server.docker);
    requireTerraformVersion(this);
    checkCrossStackOutputs(this);
    tlsProvider(this);
    server.addDependency(this);
    server.configureKeyStack(this);
  }

  /**
   * A key and CSR for the endpoint `consumer` (a construct of the server's stack), written on the
   * host at `props.files`. Ids follow the consumer's path in its stack, so each endpoint keeps its key.
   * @returns the key's resources; read only `csrPem` from another stack
   */
  addKey(consumer: IConstruct, props: ServerKeyProps): ServerKey {
    if (TerraformStack.of(consumer) !== this.server)
      throw new ValidationError(`is not built in the stack of server "${this.server.serverName}"`, consumer);
    const id = consumer.node.path.slice(this.server.node.path.length + 1).replace(/\//g, '_');
    if (this.node.tryFindChild(id)) throw new ValidationError('a key was already made for this construct', consumer);
    return new ServerKey(this, id, props);
  }
}

/** A private key, its CSR and their files on the host: built only by `ServerKeyStack.addKey`. */
export class ServerKey extends Construct {
  /** The CSR (public): what the CA's stack signs. */
  readonly csrPem: string;
  readonly files: readonly HostFile[];

  constructor(scope: ServerKeyStack, id: string, props: ServerKeyProps) {
    super(scope, id);
    if (props.names.length === 0) throw new ValidationError('a server key needs at least its FQDN in names', this);
    const key = new PrivateKey(this, 'key', privateKeyArgs(props.key ?? CERTIFICATE_DEFAULTS.key));
    const csr = new CertRequest(this, 'csr', {
      privateKeyPem: key.privateKeyPem,
      subject: [{ commonName: props.names[0], organization: SUBJECT_ORGANIZATION }],
      dnsNames: [...props.names],
    });
    this.csrPem = csr.certRequestPem;
    const { files } = props;
    const file = (fileId: string, path: string, content: string, permissions: string) =>
      new HostFile(this, fileId, {
        path,
        content,
        permissions,
        labels: files.labels,
        helperImage: files.helperImage,
        // Not the server stack's helper name: upgrading from a server stack that wrote the key, both exist for a moment.
        containerName: `xivo-key-${hostPathSlug(path)}`,
      });
    this.files = [
      file('key-file', files.keyPath, key.privateKeyPem, '0600'),
      ...(files.csrPath ? [file('csr-file', files.csrPath, csr.certRequestPem, '0644')] : []),
    ];
  }
}
