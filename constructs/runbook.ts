/**
 * Runbook: an operator document generated for an environment (browser settings for
 * Kerberos SSO, the outbound queue to create in the XiVO web interface, the CA to
 * distribute to agent PCs...). Synth writes every runbook of an environment to
 * `cdktf.out/runbooks/<env>/<name>.md`; runbooks never hold secrets.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { App } from './terraform-cdk';
import { ValidationError } from './errors';
import { XivoServer } from './xivo-server';

export interface RunbookProps {
  /** Environment the runbook belongs to (its directory). @default the platform's, in a XivoServer */
  readonly environment?: string;
  /** File name without extension, e.g. `kerberos-browsers`. */
  readonly name: string;
  /** Markdown content. */
  readonly content: string;
}

export class Runbook extends Construct {
  /** Every runbook under `scope`, sorted by path for stable output. */
  static all(scope: IConstruct): Runbook[] {
    return scope.node
      .findAll()
      .filter((c): c is Runbook => c instanceof Runbook)
      .sort((a, b) => a.relativePath.localeCompare(b.relativePath));
  }

  /**
   * Writes every runbook of `app` into `<outdir>/runbooks/<env>/<name>.md`, after `app.synth()`.
   * Runbooks of the same name from several stacks of one environment must agree (an environment's
   * runbook is written once, whichever stack holds it); two that differ are refused.
   * @param outdir @default the app's output directory
   * @returns the files written, relative to `outdir`
   */
  static writeAll(app: App, outdir: string = app.outdir): string[] {
    const written = new Map<string, Runbook>();
    for (const runbook of Runbook.all(app)) {
      const first = written.get(runbook.relativePath);
      if (first && first.content !== runbook.content) {
        throw new ValidationError(
          `runbook ${runbook.relativePath} differs from the one of ${first.node.path}: give each runbook of an environment its own name`,
          runbook,
        );
      }
      if (first) continue;
      written.set(runbook.relativePath, runbook);
      const file = path.join(outdir, runbook.relativePath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, runbook.content);
    }
    return [...written.keys()];
  }

  readonly environment: string;
  readonly fileName: string;
  readonly content: string;

  constructor(scope: Construct, id: string, props: RunbookProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(props.name)) {
      throw new ValidationError(`runbook name "${props.name}" must be lowercase letters, digits and '-'`, this);
    }
    this.environment = props.environment ?? XivoServer.of(this).platform.environment;
    this.fileName = `${props.name}.md`;
    this.content = props.content.endsWith('\n') ? props.content : `${props.content}\n`;
  }

  /** `runbooks/<env>/<name>.md`, relative to the output directory. */
  get relativePath(): string {
    return `runbooks/${this.environment}/${this.fileName}`;
  }
}
