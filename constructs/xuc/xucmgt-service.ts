/**
 * XucmgtService: the web applications (CC Agent, CC Manager, UC Assistant) with the
 * variables of the authentication modes: CAS_SERVER_URL, OIDC_SERVER_URL / OIDC_CLIENT_ID,
 * and USE_SSO=true with XUC_HOST = the principal's host when Kerberos serves this front.
 */
import { Construct } from 'constructs';
import { serviceDefinition } from '../../catalogue/services';
import { FrontRole, Role } from '../../catalogue/types';
import { Deployment } from '../deployment';
import { ServiceContainer, ServiceOverrides } from '../service-container';
import { XucFeature } from './xuc-feature';

export interface XucmgtServiceProps {
  /** Where xucmgt runs. */
  readonly deployment: Deployment;
  /** The product: XiVO CC or the UC-Addon. @default Role.CC */
  readonly role?: FrontRole;
  /** The authentication modes of the same product's xuc (their web-application variables); more with `addAuthentication()`. @default none */
  readonly authentication?: readonly XucFeature[];
  /** The operator's changes to the catalogue service. @default none */
  readonly overrides?: ServiceOverrides;
}

export class XucmgtService extends Construct {
  readonly service: ServiceContainer;
  private readonly modes: XucFeature[];

  constructor(scope: Construct, id: string, props: XucmgtServiceProps) {
    super(scope, id);
    this.modes = [...(props.authentication ?? [])];
    this.service = new ServiceContainer(this, 'service', {
      deployment: props.deployment,
      definition: serviceDefinition(`${props.role ?? Role.CC}.xucmgt`),
      // Composed once, when the stack is synthesized: modes added later are in.
      env: () => Object.assign({}, ...this.modes.map((mode) => mode.xucmgtEnv?.() ?? {})),
      overrides: props.overrides,
    });
  }

  /** Adds the web-application variables of an authentication mode. */
  addAuthentication(mode: XucFeature): void {
    this.modes.push(mode);
  }
}
