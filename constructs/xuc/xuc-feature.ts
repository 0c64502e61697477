/**
 * The one seam through which xuc is extended: an authentication mode (LDAP, Kerberos, CAS,
 * OIDC) or another feature (the outbound queue) is a `XucFeature`. XucService binds each one
 * under itself and composes what they return (variables, xuc.conf, JAVA_OPTS flags, files);
 * XucmgtService takes the web applications' variables from the same objects.
 */
import { Construct } from 'constructs';
import { XucContribution } from './contribution';

/** What a feature learns from the xuc it is bound to. */
export interface XucFeatureContext {
  /** Environment name (runbooks are written per environment). */
  readonly environment: string;
}

export interface XucFeature {
  /** Construct id of the feature under its xuc: logical ids derive from it, so it never changes. */
  readonly id: string;
  /** Creates the feature's constructs under `scope` (a child of the xuc) and returns what the xuc container gets. */
  bind(scope: Construct, context: XucFeatureContext): XucContribution;
  /** Variables of xucmgt (the web applications) for this feature. @returns none when absent */
  xucmgtEnv?(): Readonly<Record<string, string>>;
  /** Servers the feature talks to that a browser must never see (the directory, the KDCs): the edge proxy hides them. @returns none when absent */
  internalNames?(): readonly string[];
}
