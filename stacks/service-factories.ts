/**
 * Which construct builds which catalogue service, and with which props from the environment model:
 * a thin mapping. Services with their own construct (xuc with its authentication modes, xucmgt with
 * its xuc, the fronts with their certificates and extra routes, the edge with its front) are listed
 * here; every other service is a plain ServiceContainer. Wiring (hosts, ports, routes, hidden
 * names) is the library's: the constructs read it on the platform.
 */
import { Construct } from 'constructs';
import { FrontRole, isFrontRole, ServiceDefinition, ServiceId } from '../catalogue/types';
import { InternalError } from '../constructs/errors';
import { EdgeProxy } from '../constructs/nginx/edge-proxy';
import { NginxFront } from '../constructs/nginx/nginx-front';
import { ServiceContainer, ServiceOverrides } from '../constructs/service-container';
import { certificateNames } from '../constructs/tls/tls-options';
import { XucService } from '../constructs/xuc/xuc-service';
import { XucmgtService } from '../constructs/xuc/xucmgt-service';
import { edgeTarget, frontName } from '../config/fronts';
import { extraRouteZone, sipWebSocketOf } from '../config/front-routes';
import { Environment, ServerModel } from '../config/model';
import { certificateFor } from './certificates';
import { xucFeaturesOf } from './xuc-features';

/** Where a service is built, in the environment's terms. */
export interface ServiceFactoryProps {
  readonly environment: Environment;
  readonly server: ServerModel;
  readonly definition: ServiceDefinition;
  /** The services built so far, by id (catalogue order: a xuc before its xucmgt, a front before the edge). */
  readonly built: ReadonlyMap<ServiceId, Construct>;
}

export type ServiceFactory = (scope: Construct, id: string, props: ServiceFactoryProps) => Construct;

/** The product of a xuc, xucmgt or front service (the factories below are registered for those only). */
function frontRoleOf(definition: ServiceDefinition): FrontRole {
  if (!isFrontRole(definition.role)) throw new InternalError(`${definition.id} is not a XiVO CC or UC-Addon service`);
  return definition.role;
}

/** A construct built before this one, by catalogue order. */
function builtBefore<T extends Construct>(props: ServiceFactoryProps, id: ServiceId, type: abstract new (...args: never[]) => T): T {
  const built = props.built.get(id);
  if (!(built instanceof type)) throw new InternalError(`${id} is not built before ${props.definition.id}`);
  return built;
}

const overridesOf = (props: ServiceFactoryProps): ServiceOverrides => props.environment.overrides[props.definition.id] ?? {};

const plain: ServiceFactory = (scope, id, props) => new ServiceContainer(scope, id, { definition: props.definition, overrides: overridesOf(props) });

const xuc: ServiceFactory = (scope, id, props) => {
  const { auth, xucCredentials } = props.environment;
  const role = frontRoleOf(props.definition);
  return new XucService(scope, id, {
    role,
    features: xucFeaturesOf(props.environment, role),
    xivoAuthentication: auth.xivo,
    allowXucUserLogin: auth.allowXucUserLogin,
    loginTimeoutMs: auth.loginTimeoutMs,
    jvm: auth.jvm,
    credentials: {
      ctiUser: xucCredentials.ctiUser,
      webServicesUser: xucCredentials.webServicesUser,
      amiUser: xucCredentials.amiUser,
      envNames: xucCredentials.envNames,
    },
    overrides: overridesOf(props),
  });
};

const xucmgt: ServiceFactory = (scope, id, props) =>
  new XucmgtService(scope, id, { xuc: builtBefore(props, `${frontRoleOf(props.definition)}.xuc`, XucService), overrides: overridesOf(props) });

const nginxFront: ServiceFactory = (scope, id, props) => {
  const { environment: env, server } = props;
  const role = frontRoleOf(props.definition);
  const { tls } = env;
  const publicName = frontName(env, role);
  const certificate = certificateFor(scope, env, certificateNames(publicName, [server.fqdn, ...tls.extraNames]), tls.provided);
  if (!certificate) throw new InternalError(`${id}: tls.provided is required in mode provided`, scope);
  const front = new NginxFront(scope, id, {
    role,
    publicName,
    certificate,
    sipWebSocket: sipWebSocketOf(tls.sipWebSocket) ?? false,
    overrides: overridesOf(props),
  });
  for (const route of tls.routes) {
    front.addRoute(route.path, route.service as ServiceId, { port: route.port, websocket: route.websocket, edgeZone: extraRouteZone(route) });
  }
  return front;
};

const edgeProxy: ServiceFactory = (scope, id, props) => {
  const { environment: env } = props;
  const edge = env.edge;
  const target = edgeTarget(env);
  if (!edge || !target)
    throw new InternalError(`environment ${env.name}: the edge proxy needs the edge section and a cc or ucaddon front to forward to`, scope);
  // Only the public name: an internal name in the certificate would leak it.
  const certificate = certificateFor(scope, env, [edge.publicName], edge.provided);
  if (!certificate) throw new InternalError(`${id}: edge.provided is required in mode provided`, scope);
  return new EdgeProxy(scope, id, {
    front: builtBefore(props, `${target.role}.nginx`, NginxFront),
    publicName: edge.publicName,
    certificate,
    rateLimits: edge.rateLimits,
    exemptNetworks: edge.exemptNetworks,
    clientMaxBodySize: edge.clientMaxBodySize,
    timeoutSeconds: edge.timeoutSeconds,
    websocketTimeoutSeconds: edge.websocketTimeoutSeconds,
    overrides: overridesOf(props),
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
