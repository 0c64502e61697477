/** AuthCas: CAS SSO (XiVO CC "System Configuration"): `CAS_SERVER_URL` on xuc and xucmgt, `CAS_LOGOUT_ENABLE` on xuc. */
import { Construct } from 'constructs';
import { ValidationError } from '../errors';
import { casServerUrlProblem } from './auth-checks';
import { XucContribution } from './contribution';
import { AuthModeInfo, CAS_MODE } from './auth-modes';
import { XucFeature } from './xuc-feature';

export interface AuthCasProps {
  /** https:// URL of the CAS server, e.g. `https://cas.example.com/cas`. */
  readonly serverUrl: string;
  /** Log out of CAS when logging out of the application. @default false */
  readonly logout?: boolean;
}

export class AuthCas extends Construct {
  static readonly info: AuthModeInfo = CAS_MODE;

  /** CAS SSO for `XucService.addAuthentication()` and the same front's XucmgtService. */
  static mode(props: AuthCasProps): XucFeature {
    return { id: 'cas', bind: (scope) => new AuthCas(scope, 'cas', props).contribution, xucmgtEnv: () => AuthCas.xucmgtEnv(props) };
  }

  /** Variables of xucmgt (the web applications). */
  static xucmgtEnv(props: AuthCasProps): Record<string, string> {
    return { CAS_SERVER_URL: props.serverUrl };
  }

  readonly contribution: XucContribution;

  constructor(scope: Construct, id: string, props: AuthCasProps) {
    super(scope, id);
    if (!/^https:\/\/[^/\s]+/.test(props.serverUrl)) {
      throw new ValidationError(`CAS server URL "${props.serverUrl}" must be an https:// URL`, this);
    }
    const endpoint = casServerUrlProblem(props.serverUrl);
    if (endpoint) throw new ValidationError(endpoint, this);
    this.contribution = { env: { ...AuthCas.xucmgtEnv(props), CAS_LOGOUT_ENABLE: String(props.logout ?? false) } };
  }
}
