/** Builders of environment files for tests: a valid baseline, mutated per case, written to a temp dir. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { ConfigError, ConfigIssue, formatIssue } from '../../config/errors';
import { loadEnvironmentFile } from '../../config/loader';
import { Environment } from '../../config/model';

/** A valid two-server environment: PBX on one host, XiVO CC on another. */
export function baseline(): Record<string, any> {
  return {
    name: 'test',
    release: '2024.05',
    publicNames: { xivoHost: 'pbx.test.example.com', xucHost: 'cc.test.example.com' },
    servers: [
      { name: 'pbx', address: '10.0.0.10', docker: { host: 'ssh://deploy@10.0.0.10' }, roles: ['xivo'] },
      { name: 'cc', address: '10.0.0.20', docker: { host: 'ssh://deploy@10.0.0.20' }, roles: ['cc'] },
    ],
  };
}

let dir: string | undefined;
export function tempDir(): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-env-'));
  return dir;
}

/** Writes `content` (object → YAML, or raw text) as `<name>.yaml` in a temp dir; returns its path. */
export function writeEnvironment(content: Record<string, any> | string, name = 'test'): string {
  const file = path.join(tempDir(), `${name}.yaml`);
  fs.writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  return file;
}

/** Loads an environment object; throws ConfigError on issues. */
export function load(content: Record<string, any> | string, name?: string): Environment {
  const result = loadEnvironmentFile(writeEnvironment(content, name));
  if (!result.environment) throw new ConfigError(result.issues);
  return result.environment;
}

/** The issues of an environment, formatted `file:line:col: key.path: message`, with the temp dir stripped. */
export function issuesOf(content: Record<string, any> | string): string[] {
  const file = writeEnvironment(content);
  return loadEnvironmentFile(file).issues.map((i: ConfigIssue) => formatIssue(i).replace(path.dirname(file) + path.sep, ''));
}

/** Issue messages only (no position), for exact-message assertions. */
export function messagesOf(content: Record<string, any> | string): string[] {
  return loadEnvironmentFile(writeEnvironment(content)).issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
