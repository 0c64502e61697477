/**
 * Runs the real `terraform` binary on provider-less configurations, as a plan would: renders
 * template strings (one string variable per value, one output per template) and evaluates
 * variable validations. Offline: no provider is needed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const TF_ENV = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

/** `terraform init` + `apply` of a JSON configuration with `TF_VAR_*` values; returns the outputs. */
export function applyConfiguration(config: Record<string, unknown>, vars: Record<string, string>): Record<string, { value: unknown }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-render-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
    const env = { ...TF_ENV, ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [`TF_VAR_${k}`, v])) };
    const state = `-state=${path.join(dir, 'state.tfstate')}`;
    const run = (...args: string[]) => execFileSync('terraform', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    run('init', '-input=false', '-no-color');
    run('apply', '-auto-approve', '-input=false', '-no-color', state);
    return JSON.parse(run('output', '-json', state));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders several templates in one terraform run; variables are strings, given without `TF_VAR_`. */
export function renderTemplates(contents: readonly string[], vars: Record<string, string>): string[] {
  const outputs = applyConfiguration(
    {
      variable: Object.fromEntries(Object.keys(vars).map((name) => [name, { type: 'string', sensitive: true }])),
      output: Object.fromEntries(contents.map((content, i) => [`t${i}`, { value: content, sensitive: true }])),
    },
    vars,
  );
  return contents.map((_, i) => outputs[`t${i}`].value as string);
}

/** Renders one template string with the given variables. */
export function renderTemplate(content: string, vars: Record<string, string>): string {
  return renderTemplates([content], vars)[0];
}

/**
 * Evaluates synthesized `variable` blocks (with their validations) against values.
 * @returns undefined when Terraform accepts them, else its error output
 */
export function variableErrors(variables: Record<string, unknown>, vars: Record<string, string>): string | undefined {
  try {
    applyConfiguration({ variable: variables }, vars);
    return undefined;
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
}
