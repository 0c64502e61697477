/** Resolves catalogue `EnvSource`s to values, through the platform's directory. */
import { IConstruct } from 'constructs';
import { EnvSource } from '../catalogue/types';
import { PlatformDirectory } from './platform-directory';
import { SharedToken } from './shared-token';

/**
 * @returns the value, or undefined when its source is absent from the platform (a public name
 * not set, a service not deployed): the variable is then left out.
 */
export function resolveEnvSource(scope: IConstruct, source: EnvSource, directory: PlatformDirectory): string | undefined {
  switch (source.kind) {
    case 'literal':
      return source.value;
    case 'public':
      return directory.publicName(source.name);
    case 'token':
      return SharedToken.of(scope).value;
    case 'endpoint': {
      const target = directory.endpoint(source.service, source.port);
      if (!target) return undefined;
      if (source.part === 'host') return target.host;
      if (source.part === 'port') return String(target.port);
      return `http://${target.host}:${target.port}`;
    }
  }
}

/** Resolves a map of sources, leaving out absent ones. */
export function resolveEnvSources(scope: IConstruct, sources: Readonly<Record<string, EnvSource>>, directory: PlatformDirectory): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, source] of Object.entries(sources)) {
    const value = resolveEnvSource(scope, source, directory);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
