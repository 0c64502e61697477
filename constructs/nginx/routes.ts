/** A route of a front as nginx serves it: a path and the address it leads to from the front's server. */
import { RateZone } from '../../catalogue/routes';
import { ServiceId } from '../../catalogue/types';
import { Endpoint } from '../platform-rules';

export interface FrontRoute {
  /** Prefix path, as nginx `location` matches it. */
  readonly path: string;
  /** What the path leads to: a service id, or `asterisk@<server>`. */
  readonly targetName: string;
  /** The catalogue service behind the route. @default none (Asterisk, a host package) */
  readonly serviceId?: ServiceId;
  /** Where nginx reaches it. */
  readonly endpoint: Endpoint;
  /** URI the upstream receives in place of the matched path. @default the path, unchanged */
  readonly upstreamPath?: string;
  /** A WebSocket route (upgrade headers, long idle timeout). */
  readonly websocket: boolean;
  /** Published on the edge, in this zone. @default not published */
  readonly edgeZone?: RateZone;
  /** Added by the operator (not in the catalogue's route table). */
  readonly extra: boolean;
}
