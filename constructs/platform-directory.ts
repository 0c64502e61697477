/**
 * PlatformDirectory: what a service needs to know about the rest of the platform to fill in
 * its catalogue variables (XIVO_HOST, the address of the recording server...). The config layer
 * answers from the environment file; a library user answers with `PlatformDirectory.of()`.
 */
import { PublicName, ServiceId } from '../catalogue/types';
import { Endpoint } from './platform-rules';

export interface PlatformDirectory {
  /** The value of a public name (`XIVO_HOST`...). @returns undefined when the platform has none */
  publicName(name: PublicName): string | undefined;
  /**
   * Where a port of a service is reached from this server.
   * @param port the port's catalogue name; undefined for the service's first port
   * @returns undefined when the platform does not run the service
   */
  endpoint(service: ServiceId, port?: string): Endpoint | undefined;
}

/** What `PlatformDirectory.of()` is built from. */
export interface StaticDirectoryProps {
  /** Public names by key (`xivoHost`, `xucHost`...). @default none */
  readonly publicNames?: Partial<Readonly<Record<PublicName, string>>>;
  /** Endpoints by `<service id>` or `<service id>:<port name>`. @default none */
  readonly endpoints?: Readonly<Record<string, Endpoint>>;
}

export const PlatformDirectory = {
  /** A directory of fixed answers: for a library user who knows the platform's names. */
  of(props: StaticDirectoryProps): PlatformDirectory {
    return {
      publicName: (name) => props.publicNames?.[name],
      endpoint: (service, port) => props.endpoints?.[port ? `${service}:${port}` : service] ?? props.endpoints?.[service],
    };
  },
};
