/** Image references: registry mirror prefix, repository and the tag rule of the catalogue. */
import { Environment } from '../config/model';
import { ServiceDefinition } from '../catalogue/types';

/** `[registry/]repository:tag` for a catalogue service, after environment overrides. */
export function serviceImage(env: Environment, def: ServiceDefinition): string {
  const override = env.overrides[def.id];
  const repository = override?.image ?? def.image;
  const tag = override?.tag ?? (def.tag.kind === 'release' ? `${env.release}.${env.dist}` : def.tag.tag);
  return withRegistry(env, `${repository}:${tag}`);
}

/** Prefixes the environment's registry mirror, if any. */
export function withRegistry(env: Environment, reference: string): string {
  return env.registry ? `${env.registry}/${reference}` : reference;
}
