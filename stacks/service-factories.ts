/**
 * Which construct builds which catalogue service, and with which props from the environment.
 * Services with their own construct (xuc with its authentication modes, nginx with its routes
 * and certificates) are listed here; every other service is a plain ServiceContainer.
 */
import { Construct } from 'constructs';
import { Network } from '@cdktf/provider-docker/lib/network';
import { FrontRole, isFrontRole, ServiceDefinition, ServiceId } from '../catalogue/types';
import { Deployment } from '../constructs/deployment';
import { EdgeProxy } from '../constructs/nginx/edge-proxy';
import { NginxFront } from '../constructs/nginx/nginx-front';
import { ServiceContainer } from '../constructs/service-container';
import { planTimePemBundle } from '../constructs/tls/provided-certificate';
import { certificateNames } from '../constructs/tls/tls-options';
import { XucService } from '../constructs/xuc/xuc-service';
import { XucmgtService } from '../constructs/xuc/xucmgt-service';
import { truststoreHostDirectory } from '../constructs/xuc/xuc-service';
import { endpoint } from '../config/endpoints';
import { extraRoutes, resolveRoutes } from '../config/front-routes';
import { edgeTarget, frontName, internalNames } from '../config/fronts';
import { Environment, ServerModel } from '../config/model';
import { publishedPort } from '../config/resolve';
import { certificateFor, internalCaOf } from './certificates';
import { overridesOf } from './deployment';
import { authModesOf, xucFeaturesOf } from './xuc-features';
import { InternalError } from '../constructs/errors';

/** Where a service is deployed, in the environment's terms. */
export interface ServiceContext {
  readonly environment: Environment;
  readonly server: ServerModel;
  /** The server's Docker network (one per server). */
  readonly network: Network;
  /** The server as the constructs take it: built once per server. */
  readonly deployment: Deployment;
}

export interface ServiceFactoryProps extends ServiceContext {
  readonly definition: ServiceDefinition;
}

export type ServiceFactory = (scope: Construct, id: string, props: ServiceFactoryProps) => Construct;

/** The product of a xuc, xucmgt or front service (the factories below are registered for those only). */
function frontRoleOf(definition: ServiceDefinition): FrontRole {
  if (!isFrontRole(definition.role)) throw new InternalError(`${definition.id} is not a XiVO CC or UC-Addon service`);
  return definition.role;
}

const common = (props: ServiceFactoryProps) => ({
  deployment: props.deployment,
  overrides: overridesOf(props.environment, props.definition.id),
});

const plain: ServiceFactory = (scope, id, props) => new ServiceContainer(scope, id, { ...common(props), definition: props.definition });

const xuc: ServiceFactory = (scope, id, props) => {
  const { environment: env, server, definition } = props;
  const role = frontRoleOf(definition);
  const auth = env.auth;
  const xucsOnHost = env.servers
    .filter((s) => s.docker.host === server.docker.host)
    .flatMap((s) => s.services)
    .filter((d) => d.name === 'xuc').length;
  return new XucService(scope, id, {
    ...common(props),
    role,
    features: xucFeaturesOf(env, role),
    xivoAuthentication: auth.xivo,
    allowXucUserLogin: auth.allowXucUserLogin,
    loginTimeoutMs: auth.loginTimeoutMs,
    jvm: auth.jvm,
    credentials: env.xucCredentials,
    truststoreHostDirectory: truststoreHostDirectory(role, xucsOnHost),
  });
};

const xucmgt: ServiceFactory = (scope, id, props) =>
  new XucmgtService(scope, id, { ...common(props), role: frontRoleOf(props.definition), authentication: authModesOf(props.environment, frontRoleOf(props.definition)) });

/** The routes of the front of `role` on `server`. */
function frontRoutes(env: Environment, server: ServerModel, role: FrontRole) {
  const tls = env.tls;
  return resolveRoutes(env, server, role, extraRoutes(tls.routes), tls.sipWebSocket);
}

const nginxFront: ServiceFactory = (scope, id, props) => {
  const { environment: env, server } = props;
  const role = frontRoleOf(props.definition);
  const tls = env.tls;
  const publicName = frontName(env, role);
  const certificate = certificateFor(scope, env, certificateNames(publicName, [server.fqdn, ...tls.extraNames]), tls.provided);
  if (!certificate) throw new InternalError(`${id}: tls.provided is required in mode provided`, scope);
  return new NginxFront(scope, id, {
    ...common(props),
    role,
    publicName,
    certificate,
    routes: frontRoutes(env, server, role),
    httpsPort: publishedPort(env.overrides, `${role}.nginx`, 'https'),
  });
};

/**
 * The edge verifies the front with the internal CA, or in mode provided with the front's own
 * chain files (the rules require them to reach the root). A self-signed front is not verified.
 */
function frontTrust(scope: Construct, env: Environment): string | undefined {
  const tls = env.tls;
  if (tls.mode === 'internal-ca') return internalCaOf(scope, env).certPem;
  if (tls.mode === 'provided' && tls.provided?.chainFiles.length) return planTimePemBundle(scope, env.directory, tls.provided.chainFiles);
  return undefined;
}

const edgeProxy: ServiceFactory = (scope, id, props) => {
  const { environment: env, server } = props;
  const edge = env.edge;
  if (!edge) throw new InternalError(`environment ${env.name}: an edge server needs the edge section (edge.publicName)`, scope);
  const target = edgeTarget(env);
  const front = target && endpoint(env, server, `${target.role}.nginx`, 'https');
  if (!target || !front) throw new InternalError(`environment ${env.name}: the edge proxy needs a cc or ucaddon front (cc.nginx or ucaddon.nginx) to forward to`);
  // Only the public name: an internal name in the certificate would leak it.
  const certificate = certificateFor(scope, env, [edge.publicName], edge.provided);
  if (!certificate) throw new InternalError(`${id}: edge.provided is required in mode provided`, scope);
  return new EdgeProxy(scope, id, {
    ...common(props),
    publicName: edge.publicName,
    certificate,
    front: {
      serverName: frontName(env, target.role),
      endpoint: front,
      routes: frontRoutes(env, target.server, target.role),
      trustPem: frontTrust(scope, env),
    },
    hiddenNames: internalNames(env),
    rateLimits: edge.rateLimits,
    exemptNetworks: edge.exemptNetworks,
    clientMaxBodySize: edge.clientMaxBodySize,
    timeoutSeconds: edge.timeoutSeconds,
    websocketTimeoutSeconds: edge.websocketTimeoutSeconds,
  });
};

export const SERVICE_FACTORIES: Partial<Record<ServiceId, ServiceFactory>> = {
  'cc.xuc': xuc,
  'ucaddon.xuc': xuc,
  'cc.xucmgt': xucmgt,
  'ucaddon.xucmgt': xucmgt,
  'cc.nginx': nginxFront,
  'ucaddon.nginx': nginxFront,
  'edge.nginx': edgeProxy,
};

export function serviceFactory(id: ServiceId): ServiceFactory {
  return SERVICE_FACTORIES[id] ?? plain;
}

