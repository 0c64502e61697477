/**
 * What users notice while a service's container is replaced (stopped, then created and
 * started again). The impact report (`npm run impact`) prints it next to each restarted service,
 * so that a reviewer knows whether a change needs a maintenance window.
 *
 * Durations are not promised: they depend on the image and the host. The effects follow the
 * role of each service in the catalogue (services.ts), the XiVO CC documentation, "Reporting and statistics" and the
 * XiVO documentation, "XiVO Edge".
 */
import { ServiceId } from './types';

export const SERVICE_EFFECTS: Readonly<Partial<Record<ServiceId, string>>> = {
  'xivo.configmgt': "CC Manager rights and profiles unavailable; xuc cannot check agents' rights, so logins fail meanwhile",
  'cc.pgxivocc': 'statistics paused: replication, real-time and periodic statistics wait for the database',
  'cc.xivo-db-replication': 'statistics lag behind: replication of cel and queue_log resumes where it stopped',
  'cc.xivo-full-stats': 'real-time statistics paused, caught up after restart',
  'cc.pack-reporting': '15-minute statistics delayed',
  'cc.spagobi': 'reports (SpagoBI) unavailable',
  'cc.recording-server': 'recordings cannot be searched or played back',
  'cc.elasticsearch': 'Kibana dashboards empty',
  'cc.kibana': 'Kibana dashboards unavailable',
  'cc.xuc': "agents' CTI sessions drop and reconnect",
  'cc.xucmgt': 'CC Agent, CC Manager and UC assistant pages do not load (open pages keep working)',
  'cc.nginx': 'every web app unavailable for seconds',
  'ucaddon.xuc': "users' CTI sessions drop and reconnect",
  'ucaddon.xucmgt': 'UC assistant pages do not load (open pages keep working)',
  'ucaddon.nginx': 'every web app unavailable for seconds',
  'edge.nginx': 'every web app unavailable from outside for seconds',
};

/** Effect of a helper that writes a host file: it is created but never started. */
export const HOST_FILE_EFFECT = 'none: helper container, never started; the file is rewritten on the host';

/** Effect of a one-shot job container (e.g. the xuc truststore builder). */
export const JOB_EFFECT = 'none by itself: the job runs again';

/** Effect of a service the catalogue has no entry for. */
export const UNKNOWN_EFFECT = 'service restarts (effect not described in catalogue/service-effects.ts)';
