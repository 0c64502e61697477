/**
 * The sensitive Terraform variables of the auth feature, one per stack and fixed name, so
 * `TF_VAR_<name>` set once reaches every stack that needs it. Values never reach cdktf.out.
 */
import { IConstruct } from 'constructs';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { AUTH_SECRET_VARIABLES } from '../../config/schema-auth';

export type AuthSecret = keyof typeof AUTH_SECRET_VARIABLES;

/** Characters that survive JAVA_OPTS word splitting by the start script. */
const JVM_SAFE = '^[^\\\\s\\"\'\\\\\\\\]+$';

const DEFINITIONS: Readonly<Record<AuthSecret, { description: string; validation: { condition: (ref: string) => string; errorMessage: string }[] }>> = {
  ldapManagerPassword: {
    description: 'Password of auth.ldap.managerDN (xuc.conf managerPassword). Any characters.',
    validation: [{ condition: (v) => `\${length(${v}) > 0}`, errorMessage: 'ldap_manager_password must not be empty.' }],
  },
  kerberosPassword: {
    description: 'Password of the Kerberos service principal (-Dsecured.krb5.password of xuc).',
    validation: [
      { condition: (v) => `\${can(regex("${JVM_SAFE}", ${v}))}`, errorMessage: 'kerberos_password must not be empty nor contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).' },
    ],
  },
  truststorePassword: {
    description: 'Password of the Java truststore built for auth.ldap.caFile (-Djavax.net.ssl.trustStorePassword). Generate one: openssl rand -hex 16.',
    validation: [
      { condition: (v) => `\${length(${v}) >= 6}`, errorMessage: 'xuc_truststore_password must be at least 6 characters (keytool refuses shorter ones).' },
      { condition: (v) => `\${can(regex("${JVM_SAFE}", ${v}))}`, errorMessage: 'xuc_truststore_password must not contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).' },
    ],
  },
};

/** The variable of `secret` in the stack of `scope`, created on first use. */
export function authSecret(scope: IConstruct, secret: AuthSecret): TerraformVariable {
  const stack = TerraformStack.of(scope);
  const name = AUTH_SECRET_VARIABLES[secret];
  const existing = stack.node.tryFindChild(name) as TerraformVariable | undefined;
  if (existing) return existing;
  const def = DEFINITIONS[secret];
  return new TerraformVariable(stack, name, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: `${def.description} Set TF_VAR_${name}.`,
    validation: def.validation.map((v) => ({ condition: v.condition(`var.${name}`), errorMessage: v.errorMessage })),
  });
}
