/**
 * Deployment: what a service's containers are deployed with on their server: the platform's
 * release and registry, the server's name and Docker network, the labels. XivoServer gives it to
 * the constructs built under it (`XivoServer.of(this).deployment`); it is plain data.
 */
import { Network } from './terraform-cdk';
import { DEFAULT_DIST, HOST_FILE_HELPER_IMAGE } from '../catalogue/services';
import { DEFAULT_LOG_ROTATION, LogRotation } from './platform-rules';

export interface Deployment {
  /** Environment name: the `org.xivo.environment` label and the runbooks' directory. */
  readonly environment: string;
  /** XiVO release (version, e.g. `2024.10.00`): the `org.xivo.release` label and the image tags. */
  readonly release: string;
  /** `<dist>` part of release tags (`<release>.<dist>`). @default 'latest' */
  readonly dist?: string;
  /** Registry mirror prefixed to every image. @default none: images are named as in the catalogue */
  readonly registry?: string;
  /**
   * Image of the helpers (host-file writers, `custom.env` jobs), used as written: pin it by digest.
   * @default catalogue HOST_FILE_HELPER_IMAGE, behind `registry`
   */
  readonly helperImage?: string;
  /** Server name: the `org.xivo.server` label. */
  readonly server: string;
  /** The server's Docker network: every container joins it, under its container name. */
  readonly network: Network;
  /** Log rotation. @default DEFAULT_LOG_ROTATION (50m, 5 files) */
  readonly logging?: LogRotation;
  /**
   * The Docker host also runs XiVO PBX: containers reach XiVO's own services (configmgt) at
   * `host.docker.internal`. @default false
   */
  readonly onXivoHost?: boolean;
}

/** Labels every resource of a service carries. */
export function deploymentLabels(deployment: Deployment, role: string, service: string): Record<string, string> {
  return {
    'org.xivo.environment': deployment.environment,
    'org.xivo.release': deployment.release,
    'org.xivo.role': role,
    'org.xivo.server': deployment.server,
    'org.xivo.service': service,
  };
}

/** Docker `log_opts` of the deployment. */
export function logOptions(deployment: Deployment): Record<string, string> {
  const logging = deployment.logging ?? DEFAULT_LOG_ROTATION;
  return { 'max-file': String(logging.maxFile), 'max-size': logging.maxSize };
}

/** Prefixes the deployment's registry mirror, if any. */
export function withRegistry(deployment: Pick<Deployment, 'registry'>, reference: string): string {
  return deployment.registry ? `${deployment.registry}/${reference}` : reference;
}

/** The helper image of the deployment: its own, or the catalogue's behind the registry mirror. */
export function helperImageOf(deployment: Pick<Deployment, 'registry' | 'helperImage'>): string {
  return deployment.helperImage ?? withRegistry(deployment, HOST_FILE_HELPER_IMAGE);
}

/** The `<dist>` of release tags. */
export function distOf(deployment: Deployment): string {
  return deployment.dist ?? DEFAULT_DIST;
}
