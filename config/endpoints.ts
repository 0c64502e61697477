/**
 * How one service reaches another in an environment, by the library's rule
 * (constructs/platform-rules.ts `reach`): same server, the container's network alias and its
 * internal port; other server, that server's address and the published host port.
 */
import { serviceDefinition } from '../catalogue/services';
import { Role, ServiceId } from '../catalogue/types';
import { Endpoint, PlacedServer, reach } from '../constructs/platform-rules';
import { containerNameOf, Environment, ServerModel } from './model';

/** A server of the model as the rule sees it (one object per server: the rule compares identities). */
const placedServers = new WeakMap<ServerModel, PlacedServer>();
function placedServer(server: ServerModel): PlacedServer {
  let placed = placedServers.get(server);
  if (!placed) placedServers.set(server, (placed = { address: server.address, fqdn: server.fqdn, dockerHost: server.docker.host }));
  return placed;
}

/**
 * @param portName the target's port name; @default its first port
 * @returns undefined when the service is not deployed in this environment (disabled or no such role) and
 *   XiVO does not serve it itself (catalogue `servedByXivo`)
 */
export function endpoint(env: Environment, from: ServerModel, service: ServiceId, portName?: string): Endpoint | undefined {
  const def = serviceDefinition(service);
  const target = env.placement.get(service);
  const pbx = env.servers.find((s) => s.roles.includes(Role.XIVO));
  const placedTarget = target && {
    server: placedServer(target),
    containerName: containerNameOf(env, def),
    publishedPorts: env.overrides[service]?.ports,
  };
  return reach(def, placedServer(from), placedTarget, pbx && placedServer(pbx), portName);
}
