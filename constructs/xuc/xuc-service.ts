/**
 * XucService: the xuc container and its configuration (XiVO CC documentation, "System
 * Configuration"): XIVO_HOST, XUC_HOST and PLAY_AUTH_TOKEN, LOGIN_TIMEOUT_MS,
 * AUTH_PREVENT_XUC_LOGIN, JAVA_OPTS composed from heap, truststore, Kerberos and extra flags,
 * and `xuc.conf` (HOCON) delivered at /conf/xuc.conf with CONFIG_FILE pointing at it.
 *
 * Authentication modes and other features plug in through one seam, `XucFeature`
 * (`AuthLdap.mode()`, `AuthKerberos.mode()`, `AuthCas.mode()`, `AuthOidc.mode()`,
 * `OutboundQueue.feature()`), given in props or added later with `addAuthentication()`; the
 * same product's XucmgtService takes its variables from this xuc. XIVO_HOST and XUC_HOST come from
 * the platform (XivoServer.of(this)); the names the modes talk to (directory, KDCs) are hidden by
 * the edge proxy.
 *
 * Files are uploaded into the container rather than bind-mounted from /etc/docker/xuc: no
 * host file to keep in sync, and a changed file replaces the container (the documentation's
 * "recreate the container") by itself.
 */
import { Construct } from 'constructs';
import { Annotations, dependable, Lazy } from '../terraform-cdk';
import { DEFAULT_XUC_HEAP, serviceDefinition, XUC_TRUSTSTORE_HOST_DIR } from '../../catalogue/services';
import { FrontRole, Role } from '../../catalogue/types';
import { deploymentLabels, logOptions } from '../deployment';
import { ValidationError } from '../errors';
import { ServiceContainer, ServiceOverrides } from '../service-container';
import { XivoServer } from '../xivo-server';
import { CONTAINER_FILE_MODE, XucContribution } from './contribution';
import { mergeHocon, renderXucConf } from './hocon';
import { javaOpts } from './java-opts';
import { TRUSTSTORE_MOUNT, XUC_CONF_PATH } from '../delivered-files';
import { XucTruststore } from './truststore';
import { DEFAULT_LOGIN_TIMEOUT_MS, heapLimitProblem, heapOrderProblem, LOGIN_TIMEOUT_LIMITS_MS } from './xuc-defaults';
import { XivoCredentials, XivoCredentialsProps } from './xivo-credentials';
import { XucFeature } from './xuc-feature';

export const XUC_LOGIN_WARNING =
  'AUTH_PREVENT_XUC_LOGIN=false lets anyone who knows the internal xuc user log in to the API and applications; XiVO CC "System Configuration" strongly advises against it';

/** The JVM of xuc. */
export interface XucJvmOptions {
  /** `-Xms`. @default DEFAULT_XUC_HEAP.min ('512m') */
  readonly heapMin?: string;
  /** `-Xmx`. @default DEFAULT_XUC_HEAP.max ('2048m') */
  readonly heapMax?: string;
  /** Flags after every composed one (they win). @default none */
  readonly extraOptions?: readonly string[];
}

export interface XucServiceProps {
  /** The product this xuc serves: XiVO CC or the UC-Addon. @default Role.CC */
  readonly role?: FrontRole;
  /**
   * Authentication modes and features (`AuthLdap.mode()`, `OutboundQueue.feature()`...); more with `addAuthentication()`.
   * @default none: XiVO's own users
   */
  readonly features?: readonly XucFeature[];
  /** XiVO's own login. @default true */
  readonly xivoAuthentication?: boolean;
  /** `AUTH_PREVENT_XUC_LOGIN=false`: the internal xuc user may log in (a warning). @default false */
  readonly allowXucUserLogin?: boolean;
  /** `LOGIN_TIMEOUT_MS`, whole milliseconds from 1000 to 120000. @default DEFAULT_LOGIN_TIMEOUT_MS (5000) */
  readonly loginTimeoutMs?: number;
  /** Heap (`-Xms` at most `-Xmx`, `-Xmx` below the container's memory limit) and extra JVM flags. @default heap DEFAULT_XUC_HEAP, no extra flag */
  readonly jvm?: XucJvmOptions;
  /** xuc's users towards XiVO (CTI, web services, AMI). @default the catalogue's (inferred names) */
  readonly credentials?: XivoCredentialsProps;
  /**
   * Host directory of the LDAPS truststore.
   * @default XUC_TRUSTSTORE_HOST_DIR (`/etc/docker/xuc-custom-truststore`); `/etc/docker/<role>-xuc-custom-truststore`
   * when another xuc runs on the same Docker host
   */
  readonly truststoreHostDirectory?: string;
  /** The operator's changes to the catalogue service. @default none */
  readonly overrides?: ServiceOverrides;
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
  /** The LDAPS truststore builder, once a feature gives certificates to trust. */
  truststore?: XucTruststore;
  /** xuc's credentials towards XiVO (CTI, web services, AMI). */
  readonly credentials: XivoCredentials;
  /** The product this xuc serves. */
  readonly role: FrontRole;
  private readonly props: XucServiceProps;
  private readonly contributions: XucContribution[] = [];
  private readonly features: XucFeature[] = [];
  private readonly xucmgtVariables: Record<string, string> = {};
  /** `-Djavax.net.ssl.trustStore…` flags, once a feature gives certificates to trust. */
  private truststoreOptions: readonly string[] = [];

  constructor(scope: Construct, id: string, props: XucServiceProps = {}) {
    super(scope, id);
    this.props = props;
    const role = (this.role = props.role ?? Role.CC);
    const definition = serviceDefinition(`${role}.xuc`);
    this.checkProps(props, props.overrides?.memoryMb ?? definition.memoryMb, definition.id);
    const server = XivoServer.of(this);
    for (const feature of props.features ?? []) this.bind(feature);
    // The directory and Kerberos servers the modes talk to: the edge hides them.
    server.platform.addInternalNames(() => this.features.flatMap((f) => f.internalNames?.() ?? []));
    if (props.xivoAuthentication === false) this.contributions.push({ conf: { authentication: { xivo: '' } } });
    if (props.allowXucUserLogin) Annotations.of(this).addWarning(XUC_LOGIN_WARNING);
    // The truststore password variable is declared before the credentials', as it always was.
    const trustsCertificates = this.trustedCertificates.length > 0;
    if (trustsCertificates) this.truststoreOptions = XucTruststore.javaOptions(this);

    this.credentials = new XivoCredentials(this, 'xivo-credentials', props.credentials ?? {});
    // Composed once, when the stack is synthesized: features added later are in.
    this.service = new ServiceContainer(this, 'service', {
      definition,
      env: () => this.composedEnv(),
      uploads: () => this.composedUploads(),
      mounts: trustsCertificates ? [{ hostPath: this.truststoreDirectory, containerPath: TRUSTSTORE_MOUNT }] : [],
      overrides: props.overrides,
    });
    if (trustsCertificates) this.buildTruststore();
  }

  /** `xuc.conf` as a Terraform template (secrets as `jsonencode(var.…)`); undefined when not needed. */
  get xucConf(): string | undefined {
    const conf = mergeHocon(this.contributions.flatMap((p) => (p.conf ? [p.conf] : [])));
    return Object.keys(conf).length ? renderXucConf(conf) : undefined;
  }

  /** Variables the features give xucmgt, the web applications of the same product. */
  get xucmgtEnv(): Readonly<Record<string, string>> {
    return { ...this.xucmgtVariables };
  }

  /** Adds an authentication mode (`AuthLdap.mode()`...) after construction: xuc.conf, JAVA_OPTS and files include it. */
  addAuthentication(mode: XucFeature): void {
    this.addFeature(mode);
  }

  /** Adds a feature (`OutboundQueue.feature()`...) after construction: xuc.conf, JAVA_OPTS and files are composed with it at synth. */
  addFeature(feature: XucFeature): void {
    const trusted = this.trustedCertificates.length;
    this.bind(feature);
    if (this.truststore) this.truststore.addCertificates(this.trustedCertificates.slice(trusted));
    else if (this.trustedCertificates.length > 0) {
      this.truststoreOptions = XucTruststore.javaOptions(this);
      this.service.addMount({ hostPath: this.truststoreDirectory, containerPath: TRUSTSTORE_MOUNT });
      this.buildTruststore();
    }
  }

  private bind(feature: XucFeature): void {
    this.features.push(feature);
    this.contributions.push(feature.bind(this, { environment: XivoServer.of(this).platform.environment }));
    Object.assign(this.xucmgtVariables, feature.xucmgtEnv?.() ?? {});
  }

  /** Props no xuc can start with: a login timeout out of bounds, a heap that does not fit. */
  private checkProps(props: XucServiceProps, memoryMb: number | undefined, service: string): void {
    const timeout = props.loginTimeoutMs;
    const { min, max } = LOGIN_TIMEOUT_LIMITS_MS;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < min || timeout > max)) {
      throw new ValidationError(`loginTimeoutMs ${timeout} must be a whole number of milliseconds from ${min} to ${max}`, this);
    }
    const heap = { min: props.jvm?.heapMin ?? DEFAULT_XUC_HEAP.min, max: props.jvm?.heapMax ?? DEFAULT_XUC_HEAP.max };
    const problem =
      heapOrderProblem(heap, { min: 'jvm.heapMin', max: 'jvm.heapMax' }) ??
      heapLimitProblem(heap, memoryMb, { max: 'jvm.heapMax', memory: 'overrides.memoryMb', service });
    if (problem) throw new ValidationError(problem, this);
  }

  private get trustedCertificates(): string[] {
    return this.contributions.flatMap((p) => p.trustedCertificates ?? []);
  }

  /** The truststore's host directory: given, else XiVO's, or one per role when another xuc runs on the same Docker host (known at synth). */
  private get truststoreDirectory(): string {
    if (this.props.truststoreHostDirectory) return this.props.truststoreHostDirectory;
    return Lazy.stringValue({
      produce: () => {
        const { platform, dockerHost } = XivoServer.of(this);
        const xucsOnHost = platform.services.filter((s) => s.definition.name === 'xuc' && s.server.dockerHost === dockerHost).length;
        return truststoreHostDirectory(this.role, xucsOnHost);
      },
    });
  }

  private composedUploads() {
    const uploads = this.contributions.flatMap((p) => p.uploads ?? []);
    const xucConf = this.xucConf;
    if (xucConf) uploads.push({ file: XUC_CONF_PATH, content: xucConf, permissions: CONTAINER_FILE_MODE });
    return uploads;
  }

  private composedEnv(): Record<string, string> {
    const { props } = this;
    return {
      ...this.credentials.env,
      ...Object.assign({}, ...this.contributions.map((p) => p.env ?? {})),
      AUTH_PREVENT_XUC_LOGIN: String(!props.allowXucUserLogin),
      LOGIN_TIMEOUT_MS: String(props.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS),
      JAVA_OPTS: javaOpts({
        heapMin: props.jvm?.heapMin,
        heapMax: props.jvm?.heapMax,
        truststore: this.truststoreOptions,
        kerberos: this.contributions.flatMap((p) => p.kerberosOptions ?? []),
        extra: props.jvm?.extraOptions,
      }),
      // Whether xuc.conf exists, without rendering it a second time: any conf part makes it non-empty.
      ...(this.contributions.some((p) => p.conf && Object.keys(p.conf).length) ? { CONFIG_FILE: XUC_CONF_PATH } : {}),
    };
  }

  private buildTruststore(): void {
    const { deployment } = XivoServer.of(this);
    this.truststore = new XucTruststore(this, 'truststore', {
      xucName: this.service.name,
      imageId: this.service.image.imageId,
      certificates: this.trustedCertificates,
      hostDirectory: this.truststoreDirectory,
      labels: deploymentLabels(deployment, this.service.definition.role, 'xuc-truststore'),
      logOpts: logOptions(deployment),
    });
    // xuc starts after the store is written, and is replaced whenever it is rebuilt.
    // dependable(): a bare reference. Terraform's JSON syntax refuses "${…}" in depends_on and
    // replace_triggered_by, which is what `fqn` (and cdktf's own lifecycle rendering) gives.
    this.service.container.dependsOn = [dependable(this.truststore.builder)];
    this.service.addReplaceTrigger(dependable(this.truststore.builder));
  }
}
