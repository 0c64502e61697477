/**
 * Our generated /etc/krb5.conf against a real MIT KDC: with it, the service principal of
 * the xuc front gets a ticket from its keytab (what the xuc JVM does at start), and a
 * keytab of an encryption type XiVO CC does not support is refused. The JVM (the way xuc
 * logs in) gets a ticket with the same file.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { build, containerNamed, uploadOf, withAuth } from '../support/auth-stack';
import { Kdc, startKdc } from '../support/kdc-server';
import { describeWithPrograms } from '../support/programs';

const REALM = 'XIVO.TEST';

/** A JAAS keytab login, what xuc does with -Dsecured.krb5.principal/keyTab. */
const KRB_LOGIN_JAVA = `
import java.util.*;
import javax.security.auth.Subject;
import javax.security.auth.login.*;

public class KrbLogin {
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    options.put("principal", args[0]);
    options.put("keyTab", args[1]);
    options.put("useKeyTab", "true");
    options.put("storeKey", "true");
    options.put("doNotPrompt", "true");
    Configuration config = new Configuration() {
      public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        return new AppConfigurationEntry[] { new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule", AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options) };
      }
    };
    LoginContext login = new LoginContext("xuc", new Subject(), null, config);
    login.login();
    System.out.println("logged in: " + login.getSubject().getPrincipals().iterator().next());
  }
}
`;
const PRINCIPAL = 'HTTP/cc.test.example.com';

describeWithPrograms(
  'generated krb5.conf with a real KDC',
  {
    krb5kdc: 'krb5-kdc',
    kdb5_util: 'krb5-kdc',
    'kadmin.local': 'krb5-admin-server',
    kinit: 'krb5-user',
    klist: 'krb5-user',
    java: 'openjdk-17-jre-headless',
  },
  () => {
    let kdc: Kdc;
    let krb5Conf: string;

    beforeAll(async () => {
      kdc = await startKdc(REALM, ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96']);
      const built = build(
        withAuth({
          kerberos: {
            realm: REALM,
            kdc: [`127.0.0.1:${kdc.port}`],
            adminServer: '127.0.0.1',
            keytabFile: 'xuc.keytab',
            encryptionTypes: ['aes256-cts-hmac-sha1-96'],
          },
        }),
      );
      krb5Conf = path.join(kdc.dir, 'generated-krb5.conf');
      fs.writeFileSync(krb5Conf, uploadOf(containerNamed(built.json(built.xuc()), 'xivocc-xuc'), '/etc/krb5.conf').content);
    }, 30_000);

    afterAll(() => kdc?.stop());

    const kinit = (principal: string, keytab: string) => {
      const env = { ...process.env, KRB5_CONFIG: krb5Conf, KRB5CCNAME: `FILE:${path.join(kdc.dir, 'ccache')}` };
      execFileSync('kinit', ['-k', '-t', keytab, principal], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return execFileSync('klist', [], { env, encoding: 'utf8' });
    };

    test(`kinit -k -t <keytab> ${PRINCIPAL} succeeds with our krb5.conf`, () => {
      const keytab = kdc.addServicePrincipal(PRINCIPAL, ['aes256-cts-hmac-sha1-96']);
      const list = kinit(PRINCIPAL, keytab);
      expect(list).toContain(`Default principal: ${PRINCIPAL}@${REALM}`);
      expect(list).toContain(`krbtgt/${REALM}@${REALM}`);
    });

    test('the JVM (Krb5LoginModule, as xuc logs in) gets a ticket with our krb5.conf and the keytab', () => {
      const keytab = kdc.addServicePrincipal('HTTP/jvm.test.example.com', ['aes256-cts-hmac-sha1-96']);
      const file = path.join(kdc.dir, 'KrbLogin.java');
      fs.writeFileSync(file, KRB_LOGIN_JAVA);
      const out = execFileSync('java', [`-Djava.security.krb5.conf=${krb5Conf}`, file, `HTTP/jvm.test.example.com@${REALM}`, keytab], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out.trim()).toBe(`logged in: HTTP/jvm.test.example.com@${REALM}`);
    }, 30_000);

    test('a keytab of an encryption type XiVO CC does not support is refused', () => {
      const keytab = kdc.addServicePrincipal('HTTP/aes128.test.example.com', ['aes128-cts-hmac-sha1-96']);
      expect(() => kinit('HTTP/aes128.test.example.com', keytab)).toThrow(/encryption type|enctype/i);
    });
  },
);
