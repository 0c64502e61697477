/**
 * Files that a stack exports onto the deploy machine with the local provider (`local_file`: the
 * internal CA's certificate in `pki/<env>/internal-ca.crt`). A fresh clone has none of them (every
 * CI job starts from one), and Terraform would plan to create them again on every pipeline: before
 * planning, each missing one is written back from the stack's state, byte for byte, so that a
 * pipeline with nothing to change plans no change. Only non-sensitive `local_file` resources are
 * restored (their content is in the state in clear, as in the file).
 */
import * as fs from 'fs';
import * as path from 'path';
import { terraform } from './terraform';

interface LocalFileConfig {
  readonly filename: string;
}

/** The `local_file` resources of a synthesized stack whose file is missing. */
export function missingExports(stackDir: string): string[] {
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    resource?: { local_file?: Record<string, LocalFileConfig> };
  };
  return Object.entries(config.resource?.local_file ?? {})
    .filter(([, file]) => !fs.existsSync(path.resolve(stackDir, file.filename)))
    .map(([id]) => `local_file.${id}`);
}

interface StateResource {
  readonly address: string;
  readonly values?: { readonly filename?: string; readonly content?: string; readonly file_permission?: string };
}

/**
 * Writes back every missing exported file from the state (after `terraform init`). Returns the
 * files written; nothing when the state does not hold them yet (a first deploy creates them).
 */
export async function restoreExports(stackDir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const missing = missingExports(stackDir);
  if (!missing.length) return [];
  const shown = await terraform(stackDir, ['show', '-json'], env);
  const state = shown.messages[0] as unknown as { values?: { root_module?: { resources?: StateResource[] } } } | undefined;
  if (shown.code !== 0 || !state) return [];
  const written: string[] = [];
  for (const resource of state.values?.root_module?.resources ?? []) {
    const values = resource.values;
    if (!missing.includes(resource.address) || !values?.filename || values.content === undefined) continue;
    const file = path.resolve(stackDir, values.filename);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, values.content);
    // The mode the provider gave it (deploy's umask would narrow it).
    fs.chmodSync(file, parseInt(values.file_permission ?? '0644', 8));
    written.push(path.relative(process.cwd(), file));
  }
  return written;
}
