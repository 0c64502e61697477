/**
 * InternalCa: the certificate authority of one environment (mode internal-ca, the default).
 * It lives in the XiVO PBX stack (deployed first); the other stacks sign with it through
 * cdktf cross-stack references (an output of the PBX stack + `terraform_remote_state`).
 * The CA private key therefore exists only in Terraform state: the state is a secret.
 *
 * The CA certificate is exported with the local provider to `pki/<env>/internal-ca.crt`
 * (next to cdktf.out) to be distributed to agent PCs (seed 001: group policy, browsers).
 */
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { Lazy, TerraformStack } from 'cdktf';
import { File } from '@cdktf/provider-local/lib/file';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { SelfSignedCert } from '@cdktf/provider-tls/lib/self-signed-cert';
import { Role } from '../../catalogue/types';
import { Environment, serversWithRole } from '../../config/model';
import { PlanTimeFile } from '../plan-time-file';
import { Runbook } from '../runbook';
import { CA_USES, HOURS_PER_DAY, privateKeyArgs, SUBJECT_ORGANIZATION, tlsOf } from './tls-options';
import { localProvider, tlsProvider } from './providers';

/** What a signer needs: the CA certificate and key, as Terraform references. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly privateKeyPem: string;
}

const CA_ID = 'InternalCa';

/** Where the CA certificate is exported, relative to the working directory of synth. */
export function caExportPath(envName: string): string {
  return path.join('pki', envName, 'internal-ca.crt');
}

export class InternalCa extends Construct implements CertificateAuthority {
  /**
   * The CA of the environment, for use from any stack. The PBX stack may be built after the
   * caller's stack, so the references are resolved lazily at synth, when it exists.
   */
  static of(scope: IConstruct, env: Environment): CertificateAuthority {
    const find = (): InternalCa => {
      const pbx = serversWithRole(env, Role.XIVO)[0];
      const stack = pbx && (scope.node.root.node.tryFindChild(pbx.stackName) as TerraformStack | undefined);
      const ca = stack?.node.tryFindChild(CA_ID) as InternalCa | undefined;
      if (!ca) throw new Error(`${scope.node.path}: tls.mode internal-ca needs the CA of the XiVO PBX stack, which was not built`);
      return ca;
    };
    if (TerraformStack.of(scope).node.tryFindChild(CA_ID)) return find();
    return {
      certPem: Lazy.stringValue({ produce: () => find().certPem }),
      privateKeyPem: Lazy.stringValue({ produce: () => find().privateKeyPem }),
    };
  }

  /** Creates the CA in the XiVO PBX stack. */
  static create(scope: Construct, env: Environment): InternalCa {
    return new InternalCa(TerraformStack.of(scope), CA_ID, env);
  }

  readonly certPem: string;
  readonly privateKeyPem: string;
  readonly exportFile: File;

  private constructor(stack: TerraformStack, id: string, env: Environment) {
    super(stack, id);
    tlsProvider(this);
    localProvider(this);
    const tls = tlsOf(env);
    const key = new PrivateKey(this, 'key', privateKeyArgs(tls.key));
    const cert = new SelfSignedCert(this, 'cert', {
      privateKeyPem: key.privateKeyPem,
      subject: [{ commonName: `XiVO ${env.name} internal CA`, organization: SUBJECT_ORGANIZATION }],
      isCaCertificate: true,
      setSubjectKeyId: true,
      allowedUses: [...CA_USES],
      validityPeriodHours: tls.caValidityDays * HOURS_PER_DAY,
      earlyRenewalHours: Math.min(tls.earlyRenewalDays * 3, tls.caValidityDays / 2) * HOURS_PER_DAY,
    });
    this.certPem = cert.certPem;
    this.privateKeyPem = key.privateKeyPem;
    const exported = caExportPath(env.name);
    this.exportFile = new File(this, 'export', {
      filename: PlanTimeFile.fromFile(path.resolve(exported)).pathFrom(this),
      content: cert.certPem,
      filePermission: '0644',
    });
    new Runbook(this, 'runbook', { environment: env.name, name: 'internal-ca', content: caRunbook(env.name, exported) });
  }
}

function caRunbook(envName: string, exported: string): string {
  return `# Internal CA of ${envName}

Every server certificate of this environment (XiVO CC / UC-Addon front, CTI server, edge proxy)
is signed by the environment's internal CA. Browsers and the XiVO applications trust them once
the CA certificate is trusted on the client machines (seed 001).

1. After the first deploy of the XiVO PBX stack, the CA certificate is in \`${exported}\`
   (relative to the directory you ran \`cdktf deploy\` from).
2. Distribute it to agent PCs: Windows, a Group Policy (Computer Configuration > Policies >
   Windows Settings > Security Settings > Public Key Policies > Trusted Root Certification
   Authorities, Import); Linux, \`/usr/local/share/ca-certificates/\` + \`update-ca-certificates\`;
   Firefox, \`security.enterprise_roots.enabled=true\` or a policy with \`Certificates.Install\`.
3. Check from a client: \`openssl s_client -connect <XUC_HOST>:443 -servername <XUC_HOST> -CAfile ${path.basename(exported)}\`
   must end with \`Verify return code: 0 (ok)\`.

The CA private key exists only in Terraform state: the state backend is a secret (encrypt it,
restrict access). Certificates are re-issued by the next deploy when their names change or when
they enter their early-renewal window; the same deploy recreates the nginx containers that use them.
The XiVO services on the PBX (xivo-ctid among them) read /usr/share/xivo-certs/server.crt only
at start: restart them after a renewal (\`xivo-service restart all\`, in a maintenance window).
`;
}
