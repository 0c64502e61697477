/**
 * Which construct builds which catalogue service. Services with their own construct
 * (xuc with its authentication modes, nginx with its routes and certificates) are listed
 * here; every other service is a plain ServiceContainer.
 */
import { Construct } from 'constructs';
import { ServiceDefinition, ServiceId } from '../catalogue/types';
import { ServiceContainer, ServiceContext } from '../constructs/service-container';

export interface ServiceFactoryProps extends ServiceContext {
  readonly definition: ServiceDefinition;
}

export type ServiceFactory = (scope: Construct, id: string, props: ServiceFactoryProps) => Construct;

const plain: ServiceFactory = (scope, id, props) => new ServiceContainer(scope, id, props);

export const SERVICE_FACTORIES: Partial<Record<ServiceId, ServiceFactory>> = {};

export function serviceFactory(id: ServiceId): ServiceFactory {
  return SERVICE_FACTORIES[id] ?? plain;
}
