/**
 * How one service reaches another: which service runs where decides it.
 * Same server: the container's network alias and its internal port.
 * Other server: that server's address and the published host port.
 */
import { serviceDefinition } from '../catalogue/services';
import { Role, ServiceId } from '../catalogue/types';
import { Endpoint, PlatformDirectory } from '../constructs/platform-directory';
import { HOST_GATEWAY_NAME } from '../constructs/service-container';
import { containerNameOf, Environment, ServerModel } from './model';
import { publishedPort } from './resolve';
import { InternalError } from '../constructs/errors';

/**
 * @param portName the target's port name; @default its first port
 * @returns undefined when the service is not deployed in this environment (disabled or no such role) and
 *   XiVO does not serve it itself (catalogue `servedByXivo`)
 */
export function endpoint(env: Environment, from: ServerModel, service: ServiceId, portName?: string): Endpoint | undefined {
  const target = env.placement.get(service);
  const def = serviceDefinition(service);
  if (!target) {
    // Not deployed by us, but served by XiVO itself on the PBX host (configmgt on 9100).
    const pbx = def.servedByXivo && env.servers.find((s) => s.roles.includes(Role.XIVO));
    if (!pbx) return undefined;
    // From a container on the PBX's own Docker host, the host itself (see HOST_GATEWAY).
    const host = pbx.docker.host === from.docker.host ? HOST_GATEWAY_NAME : pbx.address;
    return { host, port: def.servedByXivo!.port, local: false };
  }
  const port = portName ? def.ports.find((p) => p.name === portName) : def.ports[0];
  if (!port) throw new InternalError(`${service} has no port ${portName ?? '(none defined)'}`);
  if (target === from) return { host: containerNameOf(env, def), port: port.internal, local: true };
  return { host: target.address, port: publishedPort(env.spec, service, port.name) ?? port.internal, local: false };
}

/** The environment as seen from `server`: what the constructs ask to fill in catalogue variables. */
export function directoryOf(env: Environment, server: ServerModel): PlatformDirectory {
  return {
    publicName: (name) => env.publicNames[name],
    endpoint: (service, port) => endpoint(env, server, service, port),
  };
}
