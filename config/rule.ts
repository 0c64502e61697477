/**
 * What a cross-field rule is and what it reports. Its own module so that config/rules.ts can
 * gather the rules of rules-*.ts without those modules importing it back.
 */
import type { KeyPath } from './errors';
import type { Environment } from './model';
import type { EnvironmentFile } from './schema';

/** A bad value: the key path to blame and what to write instead. */
export interface Problem {
  readonly path: KeyPath;
  readonly message: string;
  /**
   * 'warning': a setting that works but that an operator should know about (synth goes on and
   * prints it at its file, line and key). @default an error: nothing is synthesized
   */
  readonly severity?: 'warning';
}

/** Checks one aspect of a schema-valid file against its resolved model; every problem is returned, none thrown. */
export type Rule = (spec: EnvironmentFile, env: Environment) => Problem[];
