/**
 * XucmgtService: the web applications (CC Agent, CC Manager, UC Assistant) with the
 * variables of the authentication modes: CAS_SERVER_URL, OIDC_SERVER_URL / OIDC_CLIENT_ID,
 * and USE_SSO=true with XUC_HOST = the principal's host when Kerberos serves this front.
 */
import { Construct } from 'constructs';
import { ServiceContainer } from '../service-container';
import type { ServiceFactoryProps } from '../../stacks/service-factories';
import { AuthCas } from './auth-cas';
import { AuthKerberos } from './auth-kerberos';
import { AuthOidc } from './auth-oidc';
import { kerberosPrincipalFor } from './xuc-service';

export class XucmgtService extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: ServiceFactoryProps) {
    super(scope, id);
    const auth = props.environment.spec.auth;
    const principal = kerberosPrincipalFor(auth, props);
    this.service = new ServiceContainer(this, 'service', {
      ...props,
      env: {
        ...(auth?.cas ? AuthCas.xucmgtEnv(auth.cas) : {}),
        ...(auth?.oidc ? AuthOidc.xucmgtEnv(auth.oidc) : {}),
        ...(principal ? AuthKerberos.xucmgtEnv(principal) : {}),
      },
    });
  }
}
