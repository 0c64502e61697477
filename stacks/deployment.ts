/** The construct-level view of one server of an environment: its Deployment and each service's overrides. */
import { Network } from '@cdktf/provider-docker/lib/network';
import { Role, ServiceId } from '../catalogue/types';
import { Deployment } from '../constructs/deployment';
import { ServiceOverrides } from '../constructs/service-container';
import { PlatformDirectory } from '../constructs/platform-directory';
import { endpoint } from '../config/endpoints';
import { Environment, ServerModel } from '../config/model';

/** Where the services of `server` run, as the constructs take it. */
export function deploymentOf(env: Environment, server: ServerModel, network: Network): Deployment {
  return {
    environment: env.name,
    release: env.release,
    dist: env.dist,
    registry: env.registry,
    server: server.name,
    network,
    directory: directoryOf(env, server),
    logging: env.logging,
    onXivoHost: server.roles.includes(Role.XIVO),
  };
}

/** The environment file's changes to a catalogue service (`services.<id>`). */
export function overridesOf(env: Environment, id: ServiceId): ServiceOverrides {
  return env.overrides[id] ?? {};
}

/** The environment as seen from `server`: what the constructs ask to fill in catalogue variables. */
export function directoryOf(env: Environment, server: ServerModel): PlatformDirectory {
  return {
    publicName: (name) => env.publicNames[name],
    endpoint: (service, port) => endpoint(env, server, service, port),
  };
}
