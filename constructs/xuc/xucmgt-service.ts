/**
 * XucmgtService: the web applications (CC Agent, CC Manager, UC Assistant) of one xuc, with the
 * variables of that xuc's authentication modes: CAS_SERVER_URL, OIDC_SERVER_URL / OIDC_CLIENT_ID,
 * and USE_SSO=true with XUC_HOST = the principal's host when Kerberos serves this front. It takes
 * its xuc: a mode added to the xuc later reaches xucmgt too (read at synth).
 */
import { Construct } from 'constructs';
import { serviceDefinition } from '../../catalogue/services';
import { ServiceContainer, ServiceOverrides } from '../service-container';
import { XucService } from './xuc-service';

export interface XucmgtServiceProps {
  /** The xuc of the same product: its authentication modes give xucmgt its variables; its role is xucmgt's. */
  readonly xuc: XucService;
  /** The operator's changes to the catalogue service. @default none */
  readonly overrides?: ServiceOverrides;
}

export class XucmgtService extends Construct {
  readonly service: ServiceContainer;
  /** The xuc whose applications these are. */
  readonly xuc: XucService;

  constructor(scope: Construct, id: string, props: XucmgtServiceProps) {
    super(scope, id);
    this.xuc = props.xuc;
    this.service = new ServiceContainer(this, 'service', {
      definition: serviceDefinition(`${props.xuc.role}.xucmgt`),
      // Read at synth: modes added to the xuc later are in.
      env: () => props.xuc.xucmgtEnv,
      overrides: props.overrides,
    });
  }
}
