/**
 * The secret variables' validations, evaluated by the real terraform: values that would break
 * JAVA_OPTS or keytool are refused at plan time with our message; hostile but valid values pass.
 */
import * as fs from 'fs';
import * as path from 'path';
import { build, withAuth } from '../support/auth-stack';
import { tempDir } from '../support/environments';
import { describeWithPrograms, TERRAFORM } from '../support/programs';
import { variableErrors } from '../support/terraform-render';

fs.writeFileSync(path.join(tempDir(), 'ca.pem'), fs.readFileSync(path.join(__dirname, '../../environments/sso/ldap-ca.pem')));

describeWithPrograms('secret variables are validated by Terraform', { terraform: TERRAFORM }, () => {
  const built = build(
    withAuth({
      ldap: { url: 'ldaps://ldap.example.com:636', managerDN: 'cn=r', searchBase: 'dc=x', userSearchFilter: 'uid=%s', caFile: 'ca.pem' },
      kerberos: { realm: 'EXAMPLE.COM', kdc: ['kdc'], adminServer: 'kdc', keytabFile: 'xuc.keytab' },
    }),
  );
  const variables = (names: string[]) => Object.fromEntries(names.map((n) => [n, built.json(built.xuc()).variable[n]]));

  test.each([
    ['kerberos_password', 'with space', 'kerberos_password must not be empty nor contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).'],
    ['kerberos_password', 'a"b', 'kerberos_password must not be empty nor contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).'],
    ['kerberos_password', 'a\\b', 'kerberos_password must not be empty nor contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).'],
    ['kerberos_password', '', 'kerberos_password must not be empty nor contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).'],
    ['xuc_truststore_password', 'short', 'xuc_truststore_password must be at least 6 characters (keytool refuses shorter ones).'],
    ['xuc_truststore_password', "long'enough", 'xuc_truststore_password must not contain spaces, quotes or backslashes (it is passed in JAVA_OPTS).'],
    ['ldap_manager_password', '', 'ldap_manager_password must not be empty.'],
    ['xuc_cti_password', '', 'xuc_cti_password must not be empty nor hold a line break.'],
    ['xuc_ws_password', 'a\nb', 'xuc_ws_password must not be empty nor hold a line break.'],
    ['xuc_ami_secret', 'a\rb', 'xuc_ami_secret must not be empty nor hold a line break.'],
  ])('%s = %j is refused', (name, value, message) => {
    const errors = variableErrors(variables([name]), { [name]: value });
    expect(errors?.replace(/\s*│\s*/g, ' ')).toContain(message);
  });

  test('hostile but valid values are accepted', () => {
    expect(
      variableErrors(variables(['kerberos_password', 'xuc_truststore_password', 'ldap_manager_password']), {
        kerberos_password: 'k$r{b}#%&!',
        xuc_truststore_password: 't${x}%{y}#',
        ldap_manager_password: 'p "a\\s s${x}\n',
      }),
    ).toBeUndefined();
    // xuc's credentials go into env entries: anything but a line break.
    expect(
      variableErrors(variables(['xuc_cti_password', 'xuc_ws_password', 'xuc_ami_secret']), {
        xuc_cti_password: 'c "t\\i ${x}',
        xuc_ws_password: "w's%{y}=",
        xuc_ami_secret: 'a#m;i',
      }),
    ).toBeUndefined();
  });
});
