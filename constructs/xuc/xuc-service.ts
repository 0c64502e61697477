/**
 * XucService: the xuc container and its configuration (seed 000): XIVO_HOST, XUC_HOST and
 * PLAY_AUTH_TOKEN from the catalogue and SharedToken, LOGIN_TIMEOUT_MS,
 * AUTH_PREVENT_XUC_LOGIN, JAVA_OPTS composed from heap, truststore, Kerberos and extra
 * flags, and `xuc.conf` (HOCON) delivered at /conf/xuc.conf with CONFIG_FILE pointing at it.
 *
 * Files are uploaded into the container rather than bind-mounted from /etc/docker/xuc: no
 * host file to keep in sync, and a changed file replaces the container (the seed's
 * "recreate the container") by itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { Annotations, dependable } from 'cdktf';
import { XUC_TRUSTSTORE_HOST_DIR } from '../../catalogue/services';
import { Role } from '../../catalogue/types';
import { AuthSpec } from '../../config/schema-auth';
import { PlanTimeFile } from '../plan-time-file';
import { ServiceContainer, serviceLabels } from '../service-container';
import type { ServiceFactoryProps } from '../../stacks/service-factories';
import { frontsOf, xucFronts } from '../../config/rules-auth';
import { AuthCas } from './auth-cas';
import { AuthKerberos } from './auth-kerberos';
import { AuthLdap } from './auth-ldap';
import { AuthOidc } from './auth-oidc';
import { CONTAINER_FILE_MODE, XucContribution } from './contribution';
import { mergeHocon, renderXucConf } from './hocon';
import { javaOpts } from './java-opts';
import { OutboundQueue } from './outbound-queue';
import { TRUSTSTORE_MOUNT, XucTruststore } from './truststore';
import { XivoCredentials } from './xivo-credentials';

export const XUC_CONF_PATH = '/conf/xuc.conf';
export const DEFAULT_LOGIN_TIMEOUT_MS = 5000;
export const XUC_LOGIN_WARNING =
  'AUTH_PREVENT_XUC_LOGIN=false lets anyone who knows the internal xuc user log in to the API and applications; seed 000 strongly advises against it';

/** The Kerberos principal of the environment, when it names a front of this xuc's role. */
export function kerberosPrincipalFor(auth: AuthSpec | undefined, props: ServiceFactoryProps): string | undefined {
  if (!auth?.kerberos) return undefined;
  const principal = auth.kerberos.principal ?? `HTTP/${props.environment.publicNames.xucHost}`;
  const role = props.definition.role === Role.UC_ADDON ? 'ucaddon' : 'cc';
  return frontsOf(props.environment.spec, role).some((front) => principal === `HTTP/${front}`) ? principal : undefined;
}

/**
 * Host directory of the truststore: XiVO's documented `/etc/docker/xuc-custom-truststore` where
 * only one xuc runs on the Docker host, `/etc/docker/<role>-xuc-custom-truststore` otherwise.
 */
export function truststoreHostDirectory(role: string, xucsOnHost: number): string {
  return xucsOnHost > 1 ? `/etc/docker/${role}-xuc-custom-truststore` : XUC_TRUSTSTORE_HOST_DIR;
}

export class XucService extends Construct {
  readonly service: ServiceContainer;
  /** `xuc.conf` as a Terraform template (secrets as `jsonencode(var.…)`); undefined when not needed. */
  readonly xucConf?: string;
  readonly truststore?: XucTruststore;
  /** xuc's credentials towards XiVO (CTI, web services, AMI). */
  readonly credentials: XivoCredentials;

  constructor(scope: Construct, id: string, props: ServiceFactoryProps) {
    super(scope, id);
    const env = props.environment;
    const auth = env.spec.auth;
    const file = (p: string) => path.resolve(env.directory, p);

    const parts: XucContribution[] = [];
    let ldap: AuthLdap | undefined;
    if (auth?.ldap) {
      const { caFile, ...ldapProps } = auth.ldap;
      // The CA is public: read at synth to validate it and split the chain.
      ldap = new AuthLdap(this, 'ldap', { ...ldapProps, caPem: caFile ? fs.readFileSync(file(caFile), 'utf8') : undefined });
      parts.push(ldap.contribution);
    }
    const principal = kerberosPrincipalFor(auth, props);
    if (auth?.kerberos && principal) {
      const { keytabFile, ...k } = auth.kerberos;
      const kerberos = new AuthKerberos(this, 'kerberos', {
        ...k,
        environment: env.name,
        principal,
        fronts: xucFronts(env.spec),
        keytab: PlanTimeFile.fromFile(file(keytabFile)),
      });
      parts.push(kerberos.contribution);
    }
    if (auth?.cas) parts.push(new AuthCas(this, 'cas', auth.cas).contribution);
    if (auth?.oidc) parts.push(new AuthOidc(this, 'oidc', auth.oidc).contribution);
    if (auth?.outboundQueue) parts.push(new OutboundQueue(this, 'outbound-queue', { ...auth.outboundQueue, environment: env.name }).contribution);
    if (auth?.xivo === false) parts.push({ conf: { authentication: { xivo: '' } } });
    if (auth?.allowXucUserLogin) Annotations.of(this).addWarning(XUC_LOGIN_WARNING);

    const conf = mergeHocon(parts.flatMap((p) => (p.conf ? [p.conf] : [])));
    this.xucConf = Object.keys(conf).length ? renderXucConf(conf) : undefined;

    const uploads = parts.flatMap((p) => p.uploads ?? []);
    if (this.xucConf) uploads.push({ file: XUC_CONF_PATH, content: this.xucConf, permissions: CONTAINER_FILE_MODE });

    const xucsOnHost = env.servers
      .filter((s) => s.docker.host === props.server.docker.host)
      .flatMap((s) => s.services)
      .filter((d) => d.name === 'xuc').length;
    const truststoreDir = truststoreHostDirectory(props.definition.role, xucsOnHost);
    const mounts = ldap?.caCertificates.length ? [{ hostPath: truststoreDir, containerPath: TRUSTSTORE_MOUNT }] : [];
    // The truststore password is only known once the builder exists: its flags are computed first.
    const truststoreOptions = ldap?.caCertificates.length ? XucTruststore.javaOptions(this) : [];

    this.credentials = new XivoCredentials(this, 'xivo-credentials', env.spec.xucCredentials ?? {});

    this.service = new ServiceContainer(this, 'service', {
      ...props,
      env: {
        ...this.credentials.env,
        ...Object.assign({}, ...parts.map((p) => p.env ?? {})),
        AUTH_PREVENT_XUC_LOGIN: String(!auth?.allowXucUserLogin),
        LOGIN_TIMEOUT_MS: String(auth?.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS),
        JAVA_OPTS: javaOpts({
          heapMin: auth?.jvm?.heapMin,
          heapMax: auth?.jvm?.heapMax,
          truststore: truststoreOptions,
          kerberos: parts.flatMap((p) => p.kerberosOptions ?? []),
          extra: auth?.jvm?.extraOptions,
        }),
        ...(this.xucConf ? { CONFIG_FILE: XUC_CONF_PATH } : {}),
      },
      uploads,
      mounts,
    });

    if (ldap?.caCertificates.length) {
      this.truststore = new XucTruststore(this, 'truststore', {
        xucName: this.service.name,
        imageId: this.service.image.imageId,
        certificates: ldap.caCertificates,
        hostDirectory: truststoreDir,
        labels: serviceLabels(props, props.definition.role, 'xuc-truststore'),
        logOpts: { 'max-file': String(env.logging.maxFile), 'max-size': env.logging.maxSize },
      });
      // xuc starts after the store is written, and is replaced whenever it is rebuilt.
      // dependable(): a bare reference. Terraform's JSON syntax refuses "${…}" in depends_on and
      // replace_triggered_by, which is what `fqn` (and cdktf's own lifecycle rendering) gives.
      this.service.container.dependsOn = [dependable(this.truststore.builder)];
      this.service.container.lifecycle = { replaceTriggeredBy: [dependable(this.truststore.builder)] };
    }
  }
}
