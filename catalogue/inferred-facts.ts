/**
 * Every catalogue fact marked inferred, as a list: what `npm run discover` checks against a
 * running installation (the catalogue report) and what an operator's report turns into a
 * verified fact. Derived from the catalogue itself (services, Compose projects, xuc's
 * credentials), so a new inferred fact is listed the day it is written, never by hand.
 *
 * Not listed: facts a Docker API cannot show (reserved ports of host packages, route targets,
 * the Asterisk WebSocket path, network flows between servers); they stay in docs/catalogue.md.
 */
import { COMPOSE_PROJECT, DEFAULT_DIST, SERVICES } from './services';
import { PortDefinition, Role, ServiceId, VolumeDefinition } from './types';
import { XUC_CREDENTIALS, XucCredential } from './xuc-credentials';

interface FactBase {
  /** Stable key, e.g. `cc.xuc image`, `xuc credential amiSecret env`. */
  readonly key: string;
  /** What the fact is about, in words. */
  readonly subject: string;
  /** The catalogue's value, as text. */
  readonly expected: string;
}

/** One inferred fact of the catalogue. */
export type InferredFact = FactBase &
  (
    | { readonly kind: 'image' | 'compose-service'; readonly service: ServiceId }
    | { readonly kind: 'port'; readonly service: ServiceId; readonly port: PortDefinition }
    | { readonly kind: 'volume'; readonly service: ServiceId; readonly volume: VolumeDefinition }
    | { readonly kind: 'env-name'; readonly service: ServiceId; readonly env: string }
    | { readonly kind: 'compose-project'; readonly role: Role }
    | { readonly kind: 'tag-rule' }
    | { readonly kind: 'xuc-credential-env' | 'xuc-credential-user'; readonly credential: XucCredential }
  );

function serviceFacts(): InferredFact[] {
  return SERVICES.flatMap((def): InferredFact[] => {
    const facts: InferredFact[] = [];
    if (def.imageConfidence === 'inferred')
      facts.push({ kind: 'image', key: `${def.id} image`, service: def.id, subject: `image of ${def.id}`, expected: def.image });
    if (COMPOSE_PROJECT[def.role] && (def.nameConfidence ?? 'inferred') === 'inferred') {
      facts.push({
        kind: 'compose-service',
        key: `${def.id} compose service`,
        service: def.id,
        subject: `Compose service name of ${def.id}`,
        expected: def.name,
      });
    }
    for (const port of def.ports.filter((p) => p.confidence === 'inferred')) {
      const expected = `${port.internal}/${port.protocol ?? 'tcp'}${port.published ? ` published on ${port.published}` : ''}`;
      facts.push({ kind: 'port', key: `${def.id} port ${port.name}`, service: def.id, port, subject: `port "${port.name}" of ${def.id}`, expected });
    }
    for (const volume of def.volumes.filter((v) => v.confidence === 'inferred')) {
      facts.push({
        kind: 'volume',
        key: `${def.id} volume ${volume.name}`,
        service: def.id,
        volume,
        subject: `data path of ${def.id} (volume "${volume.name}")`,
        expected: volume.containerPath,
      });
    }
    for (const name of def.inferredEnv ?? []) {
      facts.push({
        kind: 'env-name',
        key: `${def.id} env ${name}`,
        service: def.id,
        env: name,
        subject: `environment variable of ${def.id}`,
        expected: name,
      });
    }
    return facts;
  });
}

function composeFacts(): InferredFact[] {
  return Object.entries(COMPOSE_PROJECT)
    .filter(([, project]) => project.confidence === 'inferred')
    .map(([role, project]) => ({
      kind: 'compose-project',
      key: `${role} compose project`,
      role: role as Role,
      subject: `Compose project of role ${role}`,
      expected: project.name,
    }));
}

function credentialFacts(): InferredFact[] {
  return (Object.keys(XUC_CREDENTIALS) as XucCredential[]).flatMap((credential): InferredFact[] => {
    const fact = XUC_CREDENTIALS[credential];
    const facts: InferredFact[] = [];
    if (fact.envConfidence === 'inferred') {
      facts.push({
        kind: 'xuc-credential-env',
        key: `xuc credential ${credential} env`,
        credential,
        subject: `xuc variable of the ${fact.what}`,
        expected: fact.env,
      });
    }
    // The CTI user `xuc` is verified (XiVO CC's installation guides); the other user names are not.
    if (fact.defaultValue !== undefined && credential !== 'ctiUser') {
      facts.push({
        kind: 'xuc-credential-user',
        key: `xuc credential ${credential}`,
        credential,
        subject: `value of the ${fact.what}`,
        expected: fact.defaultValue,
      });
    }
    return facts;
  });
}

export const INFERRED_FACTS: readonly InferredFact[] = [
  {
    kind: 'tag-rule',
    key: 'tag rule',
    subject: 'tag of XiVO images (XIVOCC_TAG.XIVOCC_DIST)',
    expected: `<release>.<dist> (dist "${DEFAULT_DIST}" by default)`,
  },
  ...composeFacts(),
  ...serviceFacts(),
  ...credentialFacts(),
];
