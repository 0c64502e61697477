/**
 * Resolves catalogue `EnvSource`s to values on the platform. The shared token is taken when the
 * construct is built (it declares the stack's variable); public names and other services are read
 * at synth, once every server and service of the platform is built. A source the platform cannot
 * answer is a ValidationError naming the variable, never a variable silently left out, unless the
 * catalogue marks it optional (the recording server's address for nginx, when none runs).
 */
import { IConstruct } from 'constructs';
import { EnvSource, PublicName } from '../catalogue/types';
import { ValidationError } from './errors';
import { SharedToken } from './shared-token';
import type { PlatformDirectory } from './xivo-platform';

/** What to write instead, per missing public name. */
const PUBLIC_NAME_FIX: Readonly<Partial<Record<PublicName, string>>> = {
  [PublicName.XIVO_HOST]: 'give XivoPlatform publicNames.xivoHost, or add the server with role xivo',
  [PublicName.XUC_HOST]: 'give XivoPlatform publicNames.xucHost (the name users open)',
  [PublicName.UC_ADDON_HOST]: 'give XivoPlatform publicNames.ucAddonHost (the name users open)',
};

/** The message of a variable whose public name the platform has not. */
export function missingPublicNameMessage(variable: string, name: PublicName): string {
  return `${variable} needs the public name ${name}, which the platform has not: ${PUBLIC_NAME_FIX[name] ?? `give XivoPlatform publicNames.${name}`}`;
}

/** The message of a variable whose service runs nowhere. */
export function missingServiceMessage(variable: string, service: string): string {
  return `${variable} needs ${service}, which runs on no server of the platform: build its ServiceContainer on a server, or leave this service out`;
}

/**
 * Prepares a map of sources for `scope` (a construct on a server): token and literals now, the
 * rest when the returned function is called (at synth).
 * @returns the variables, without the optional ones the platform lacks
 */
export function prepareEnvSources(
  scope: IConstruct,
  sources: Readonly<Record<string, EnvSource>>,
  directory: PlatformDirectory,
): () => Record<string, string> {
  // The token's variable is declared now: constructs are never created at synth.
  const token = Object.values(sources).some((s) => s.kind === 'token') ? SharedToken.of(scope).value : undefined;
  return () => {
    const out: Record<string, string> = {};
    for (const [key, source] of Object.entries(sources)) {
      const value = resolveEnvSource(scope, key, source, directory, token);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
}

function resolveEnvSource(
  scope: IConstruct,
  key: string,
  source: EnvSource,
  directory: PlatformDirectory,
  token: string | undefined,
): string | undefined {
  switch (source.kind) {
    case 'literal':
      return source.value;
    case 'token':
      return token;
    case 'public': {
      const value = directory.publicName(source.name);
      if (value === undefined && !source.optional) throw new ValidationError(missingPublicNameMessage(key, source.name), scope);
      return value;
    }
    case 'endpoint': {
      const target = directory.endpoint(source.service, source.port);
      if (!target) {
        if (source.optional) return undefined;
        throw new ValidationError(missingServiceMessage(key, source.service), scope);
      }
      if (source.part === 'host') return target.host;
      if (source.part === 'port') return String(target.port);
      return `http://${target.host}:${target.port}`;
    }
  }
}
