/**
 * Which construct builds which catalogue service. Services with their own construct
 * (xuc with its authentication modes, nginx with its routes and certificates) are listed
 * here; every other service is a plain ServiceContainer.
 */
import { Construct } from 'constructs';
import { ServiceDefinition, ServiceId } from '../catalogue/types';
import { ServiceContainer, ServiceContext } from '../constructs/service-container';
import { XucService } from '../constructs/xuc/xuc-service';
import { XucmgtService } from '../constructs/xuc/xucmgt-service';
import { EdgeProxy } from '../constructs/nginx/edge-proxy';
import { NginxFront } from '../constructs/nginx/nginx-front';

export interface ServiceFactoryProps extends ServiceContext {
  readonly definition: ServiceDefinition;
}

export type ServiceFactory = (scope: Construct, id: string, props: ServiceFactoryProps) => Construct;

const plain: ServiceFactory = (scope, id, props) => new ServiceContainer(scope, id, props);

const xuc: ServiceFactory = (scope, id, props) => new XucService(scope, id, props);
const xucmgt: ServiceFactory = (scope, id, props) => new XucmgtService(scope, id, props);
const nginxFront: ServiceFactory = (scope, id, props) => new NginxFront(scope, id, props);
const edgeProxy: ServiceFactory = (scope, id, props) => new EdgeProxy(scope, id, props);

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
