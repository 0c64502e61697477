/**
 * How one service reaches another: which service runs where decides it.
 * Same server: the container's network alias and its internal port.
 * Other server: that server's address and the published host port.
 */
import { containerName, findService } from '../catalogue/services';
import { ServiceId } from '../catalogue/types';
import { Environment, ServerModel } from './model';
import { publishedPort } from './resolve';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** True when the target runs on the caller's server (reached over the server's Docker network). */
  readonly local: boolean;
}

/**
 * @param portName the target's port name; @default its first port
 * @returns undefined when the service is not deployed in this environment (disabled or no such role)
 */
export function endpoint(env: Environment, from: ServerModel, service: ServiceId, portName?: string): Endpoint | undefined {
  const target = env.placement.get(service);
  const def = findService(service);
  if (!target || !def) return undefined;
  const port = portName ? def.ports.find((p) => p.name === portName) : def.ports[0];
  if (!port) throw new Error(`${service} has no port ${portName ?? '(none defined)'}`);
  if (target === from) return { host: containerName(def), port: port.internal, local: true };
  return { host: target.address, port: publishedPort(env.spec, service, port.name) ?? port.internal, local: false };
}
