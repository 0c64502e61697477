/**
 * XivoCredentials: the credentials xuc uses towards XiVO (CTI user, web-services user, AMI user),
 * as environment variables of xuc. The user names are plain values; the passwords come from
 * sensitive Terraform variables (`xuc_cti_password`, `xuc_ws_password`, `xuc_ami_secret`),
 * declared only by the stacks that run a xuc. The variable names are catalogue facts marked
 * inferred (catalogue/xuc-credentials.ts), each overridable through `envNames`.
 */
import { Construct, IConstruct } from 'constructs';
import { TerraformStack, TerraformVariable } from '../terraform-cdk';
import { XUC_CREDENTIALS, XucCredential } from '../../catalogue/xuc-credentials';
import { InternalError, ValidationError } from '../errors';

export interface XivoCredentialsProps {
  /** CTI user of xuc. @default catalogue ('xuc') */
  readonly ctiUser?: string;
  /** Web-services user. @default catalogue ('xivows', inferred) */
  readonly webServicesUser?: string;
  /** AMI user on the PBX and the MDS. @default catalogue ('xuc', inferred) */
  readonly amiUser?: string;
  /** xuc's environment variable name of each credential. @default catalogue names (inferred) */
  readonly envNames?: Readonly<Partial<Record<XucCredential, string>>>;
}

const USERS = { ctiUser: 'ctiUser', webServicesUser: 'webServicesUser', amiUser: 'amiUser' } as const;

/** The sensitive variable of a secret credential in the stack of `scope`, created on first use. */
export function credentialSecret(scope: IConstruct, credential: XucCredential): TerraformVariable {
  const fact = XUC_CREDENTIALS[credential];
  if (!fact.secretVariable) throw new InternalError(`${credential} is not a secret credential`, scope);
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(fact.secretVariable) as TerraformVariable | undefined;
  return (
    existing ??
    new TerraformVariable(stack, fact.secretVariable, {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: `${fact.what}, given to xuc as ${fact.env} (name inferred). Set TF_VAR_${fact.secretVariable}; runbook xivo-side.md says where XiVO keeps it.`,
      validation: [
        {
          condition: `\${length(var.${fact.secretVariable}) > 0 && !can(regex("[\\r\\n]", var.${fact.secretVariable}))}`,
          errorMessage: `${fact.secretVariable} must not be empty nor hold a line break.`,
        },
      ],
    })
  );
}

export class XivoCredentials extends Construct {
  /** Environment variables of xuc: user names as values, passwords as variable references. */
  readonly env: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: XivoCredentialsProps = {}) {
    super(scope, id);
    const names = Object.fromEntries(
      (Object.keys(XUC_CREDENTIALS) as XucCredential[]).map((c) => [c, props.envNames?.[c] ?? XUC_CREDENTIALS[c].env]),
    ) as Record<XucCredential, string>;
    const byName = new Map<string, XucCredential>();
    for (const [credential, name] of Object.entries(names) as [XucCredential, string][]) {
      const other = byName.get(name);
      if (other) throw new ValidationError(`${credential} and ${other} would both be given to xuc as ${name}: give them different envNames`, this);
      byName.set(name, credential);
    }
    const env: Record<string, string> = {};
    for (const credential of Object.keys(XUC_CREDENTIALS) as XucCredential[]) {
      const fact = XUC_CREDENTIALS[credential];
      env[names[credential]] = fact.secretVariable
        ? credentialSecret(this, credential).stringValue
        : (props[USERS[credential as keyof typeof USERS]] ?? fact.defaultValue!);
    }
    this.env = env;
  }
}
