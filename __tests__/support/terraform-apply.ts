/**
 * Terraform with the real kreuzwerker/docker provider, offline: the providers are built from
 * their Go modules into a filesystem mirror (scripts/e2e/build-tools.sh) with a CLI config
 * `terraform.rc` next to it, under ~/.cache/xivo-cdktf/tools/<key>/ (or XIVO_CDKTF_TOOLS).
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const DOCKER_PROVIDER = 'registry.terraform.io/kreuzwerker/docker/3.6.2/linux_amd64/terraform-provider-docker_v3.6.2';

export interface TerraformTools {
  /** The CLI configuration (filesystem mirror, no direct installation). */
  readonly cliConfig: string;
  /** The docker provider binary in the mirror (what the tests require). */
  readonly dockerProvider: string;
  /** The terraform binary: the tools' own, else the one on PATH. */
  readonly terraform: string;
}

/**
 * The tools directory of the current pins, as scripts/e2e/build-tools.sh keys it (asked with
 * --dir-only: it builds nothing), or XIVO_CDKTF_TOOLS. A directory left by older pins is never
 * used. When it holds no mirror yet, the paths do not exist and the tests requiring them say so.
 */
export function findTerraformTools(): TerraformTools {
  const dir = process.env.XIVO_CDKTF_TOOLS ?? toolsDirectory();
  const own = path.join(dir, 'bin', 'terraform');
  return {
    cliConfig: path.join(dir, 'terraform.rc'),
    dockerProvider: path.join(dir, 'mirror', DOCKER_PROVIDER),
    terraform: fs.existsSync(own) ? own : 'terraform',
  };
}

function toolsDirectory(): string {
  try {
    return execFileSync('bash', [path.resolve(__dirname, '../../scripts/e2e/build-tools.sh'), '--dir-only'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return path.join(os.homedir(), '.cache', 'xivo-cdktf', 'tools', '<no go: cannot compute the key>');
  }
}

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a Terraform (or cdktf) child process: offline mirror, no prompts, `TF_VAR_<name>` per variable. */
export function terraformEnvironment(cliConfig: string, vars: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [`TF_VAR_${k}`, v])),
  };
}

/** Runs terraform in `dir` with the mirror's CLI config; never throws on a non-zero exit. */
export function terraform(tools: TerraformTools, dir: string, args: string[], vars: Readonly<Record<string, string>> = {}): Promise<TerraformRun> {
  const env = terraformEnvironment(tools.cliConfig, vars);
  return new Promise((resolve) => {
    execFile(
      tools.terraform,
      ['-chdir=' + dir, ...args, '-no-color'],
      { env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
