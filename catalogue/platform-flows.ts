/**
 * Network flows between roles that no container wiring of ours shows: the XiVO host packages
 * (Asterisk, PostgreSQL, AMI) and the XDS wiring (XiVO documentation, "XiVO Distributed System"; multi-server
 * checklist). Flows between our containers are derived from the catalogue's env sources and the
 * nginx routes instead (estate/flows.ts); these complete the firewall matrix.
 */
import { Confidence, Role, ServiceId } from './types';

export interface PlatformFlow {
  /** The client: a placed service (`cc.xuc`), or every server of a role. */
  readonly from: ServiceId | Role;
  /** Every server of this role is a destination (its host packages listen). */
  readonly to: Role;
  /** A port or a range (`10000-20000`). */
  readonly port: string;
  readonly protocol: 'tcp' | 'udp';
  /** What the flow is for, as a network team reads it. */
  readonly use: string;
  readonly confidence: Confidence;
}

export const PLATFORM_FLOWS: readonly PlatformFlow[] = [
  { from: 'cc.xuc', to: Role.MDS, port: '5038', protocol: 'tcp', use: 'xuc → MDS Asterisk AMI (over the VoIP address)', confidence: 'verified' },
  {
    from: 'cc.xuc',
    to: Role.XIVO,
    port: '5038',
    protocol: 'tcp',
    use: 'xuc → XiVO Asterisk AMI (opened for the CC; loopback by default)',
    confidence: 'inferred',
  },
  { from: 'cc.xuc', to: Role.XIVO, port: '9486', protocol: 'tcp', use: 'xuc → XiVO web services (confd API)', confidence: 'inferred' },
  { from: 'ucaddon.xuc', to: Role.MDS, port: '5038', protocol: 'tcp', use: 'xuc → MDS Asterisk AMI (over the VoIP address)', confidence: 'inferred' },
  { from: 'ucaddon.xuc', to: Role.XIVO, port: '5038', protocol: 'tcp', use: 'xuc → XiVO Asterisk AMI', confidence: 'inferred' },
  { from: 'ucaddon.xuc', to: Role.XIVO, port: '9486', protocol: 'tcp', use: 'xuc → XiVO web services (confd API)', confidence: 'inferred' },
  {
    from: 'cc.xivo-db-replication',
    to: Role.XIVO,
    port: '5432',
    protocol: 'tcp',
    use: 'xivo-db-replication → XiVO PostgreSQL (cel, queue_log, configuration)',
    confidence: 'verified',
  },
  // XiVO Distributed System: "MDS receive data from Main by PostgreSQL replication"; the subscriber opens the connection.
  {
    from: Role.MDS,
    to: Role.XIVO,
    port: '5432',
    protocol: 'tcp',
    use: 'MDS ← XiVO PostgreSQL replication (the MDS connects to Main)',
    confidence: 'inferred',
  },
  { from: Role.XIVO, to: Role.MDS, port: '5060', protocol: 'udp', use: 'XiVO ↔ MDS internal SIP trunk', confidence: 'verified' },
  { from: Role.XIVO, to: Role.MDS, port: '10000-20000', protocol: 'udp', use: 'XiVO ↔ MDS RTP media', confidence: 'verified' },
  { from: Role.MDS, to: Role.XIVO, port: '10000-20000', protocol: 'udp', use: 'MDS ↔ XiVO RTP media', confidence: 'verified' },
  { from: Role.XIVO, to: Role.MDS, port: '22', protocol: 'tcp', use: 'XiVO → MDS rsync over SSH every 15 minutes', confidence: 'verified' },
];
