/**
 * AuthOidc: OpenID Connect SSO (XiVO CC "System Configuration"). xucmgt gets one client id, xuc a list;
 * `OIDC_AUDIENCE` is left unset unless given: xuc then defaults it to its own `OIDC_CLIENT_ID`
 * list (XiVO's documented default); the username field defaults to `preferred_username`.
 */
import { Construct } from 'constructs';
import { Annotations } from '../terraform-cdk';
import { ValidationError } from '../errors';
import { oidcServerUrlProblem } from './auth-checks';
import { XucContribution } from './contribution';
import { AuthModeInfo, OIDC_MODE } from './auth-modes';
import { DEFAULT_OIDC_USERNAME_FIELD } from './xuc-defaults';
import { XucFeature } from './xuc-feature';

export interface AuthOidcProps {
  /** https:// URL of the OIDC realm. */
  readonly serverUrl: string;
  /** Client id of the web applications (xucmgt). */
  readonly clientId: string;
  /** Client ids xuc accepts. @default [clientId] */
  readonly xucClientIds?: readonly string[];
  /** `ENABLE_OIDC`: OIDC is the default login. @default false */
  readonly default?: boolean;
  /** `OIDC_AUDIENCE`. @default unset: xuc uses its `OIDC_CLIENT_ID` list */
  readonly audience?: string;
  /** `OIDC_USERNAME_FIELD`. @default 'preferred_username' */
  readonly usernameField?: string;
  /** `OIDC_LOGOUT_ENABLE`, Keycloak < 18 only. @default false */
  readonly logout?: boolean;
}

export const OIDC_LOGOUT_WARNING =
  'OIDC_LOGOUT_ENABLE=true only works with Keycloak servers older than 18 (XiVO CC "System Configuration"); with another server, logging out may fail';

export class AuthOidc extends Construct {
  static readonly info: AuthModeInfo = OIDC_MODE;

  /** OpenID Connect SSO for `XucService.addAuthentication()` and the same front's XucmgtService. */
  static mode(props: AuthOidcProps): XucFeature {
    return { id: 'oidc', bind: (scope) => new AuthOidc(scope, 'oidc', props).contribution, xucmgtEnv: () => AuthOidc.xucmgtEnv(props) };
  }

  static xucmgtEnv(props: AuthOidcProps): Record<string, string> {
    return { OIDC_CLIENT_ID: props.clientId, OIDC_SERVER_URL: props.serverUrl };
  }

  readonly contribution: XucContribution;

  constructor(scope: Construct, id: string, props: AuthOidcProps) {
    super(scope, id);
    if (!/^https:\/\/[^/\s]+/.test(props.serverUrl)) {
      throw new ValidationError(`OIDC server URL "${props.serverUrl}" must be an https:// URL`, this);
    }
    const endpoint = oidcServerUrlProblem(props.serverUrl);
    if (endpoint) throw new ValidationError(endpoint, this);
    const ids = props.xucClientIds ?? [props.clientId];
    const bad = [props.clientId, ...ids].find((c) => !/^[^,\s]+$/.test(c));
    if (bad !== undefined) throw new ValidationError(`OIDC client id "${bad}" must not be empty nor contain commas or spaces`, this);
    if (props.logout) Annotations.of(this).addWarning(OIDC_LOGOUT_WARNING);
    this.contribution = {
      env: {
        ENABLE_OIDC: String(props.default ?? false),
        ...(props.audience !== undefined ? { OIDC_AUDIENCE: props.audience } : {}),
        OIDC_CLIENT_ID: ids.join(','),
        OIDC_LOGOUT_ENABLE: String(props.logout ?? false),
        OIDC_SERVER_URL: props.serverUrl,
        OIDC_USERNAME_FIELD: props.usernameField ?? DEFAULT_OIDC_USERNAME_FIELD,
      },
    };
  }
}
