/**
 * Runbook: an operator document generated for an environment (browser settings for
 * Kerberos SSO, the outbound queue to create in the XiVO web interface, the CA to
 * distribute to agent PCs...). Synth writes every runbook of an environment to
 * `cdktf.out/runbooks/<env>/<name>.md`; runbooks never hold secrets.
 */
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from './errors';

export interface RunbookProps {
  /** Environment the runbook belongs to. */
  readonly environment: string;
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

  readonly environment: string;
  readonly fileName: string;
  readonly content: string;

  constructor(scope: Construct, id: string, props: RunbookProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(props.name)) {
      throw new ValidationError(this, `runbook name "${props.name}" must be lowercase letters, digits and '-'`);
    }
    this.environment = props.environment;
    this.fileName = `${props.name}.md`;
    this.content = props.content.endsWith('\n') ? props.content : `${props.content}\n`;
  }

  /** `runbooks/<env>/<name>.md`, relative to the output directory. */
  get relativePath(): string {
    return `runbooks/${this.environment}/${this.fileName}`;
  }
}
