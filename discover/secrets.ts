/**
 * A Terraform variable is one value for a whole environment: the token (`TF_VAR_play_auth_token`)
 * is the same on every server, xuc's passwords are the same for every xuc. Discover compares
 * what each place holds (env files and adopted containers of the server it reads, and of the
 * servers the environment file already lists) by their sha256, in memory: a value is never
 * written, printed nor kept.
 */
import * as path from 'path';
import { Role } from '../catalogue/types';
import { digestOf, envFileDirectory, parseEnvFile, secretVariable, SecretFound } from './mapping';
import { DiscoverError, REFUSALS } from './refusals';
import { HostSnapshot, isSecretName, splitEnv } from './snapshot';

/** Secrets of a server already in the environment file: its roles' env files and its adopted containers. */
export function secretsOnHost(snapshot: HostSnapshot, server: string, roles: readonly Role[], adoptedContainers: readonly string[]): SecretFound[] {
  const found: SecretFound[] = [];
  for (const dir of [...new Set(roles.map(envFileDirectory).filter((d): d is string => !!d))]) {
    for (const name of ['factory.env', 'custom.env']) {
      const file = path.posix.join(dir, name);
      for (const [key, value] of parseEnvFile(snapshot.files[file] ?? '')) {
        if (isSecretName(key) && value !== '')
          found.push({ name: key, where: `server "${server}" (${file})`, variable: secretVariable(key), digest: digestOf(value) });
      }
    }
  }
  for (const c of snapshot.containers.filter((x) => adoptedContainers.includes(x.Name.replace(/^\//, '')))) {
    for (const [key, value] of (c.Config.Env ?? []).map(splitEnv)) {
      if (isSecretName(key) && value !== '')
        found.push({
          name: key,
          where: `server "${server}" (container ${c.Name.replace(/^\//, '')})`,
          variable: secretVariable(key),
          digest: digestOf(value),
        });
    }
  }
  return found;
}

/**
 * @throws DiscoverError when a secret that one Terraform variable carries has two values; the
 * message names two places holding different values (on different servers when there are).
 */
export function checkSecretsAgree(secrets: readonly SecretFound[]): void {
  const byName = new Map<string, SecretFound[]>();
  for (const s of secrets.filter((x) => x.variable)) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, places] of [...byName.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const first = places[0];
    const others = places.filter((p) => p.digest !== first.digest);
    if (!others.length) continue;
    const serverOf = (where: string) => where.slice(0, where.indexOf(' ('));
    const second = others.find((p) => serverOf(p.where) !== serverOf(first.where)) ?? others[0];
    throw new DiscoverError(REFUSALS.secretDiffers(name, first.variable!, first.where, second.where));
  }
}
