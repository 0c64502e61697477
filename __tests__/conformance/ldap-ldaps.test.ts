/**
 * LDAPS with a private CA against a real OpenLDAP: the truststore is built by the very
 * script the deployment's builder container runs (read from the synthesized resource), and
 * a Java LDAP client configured from our rendered xuc.conf and JAVA_OPTS binds as managerDN
 * and finds the user. Without our truststore the JVM fails as the XiVO CC documentation, "System Configuration" shows (PKIX).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { build, containerNamed, envOf, uploadOf, withAuth } from '../support/auth-stack';
import { tempDir } from '../support/environments';
import { TYPESAFE_CONFIG_JAR } from '../support/hocon-check';
import { cleanLdapClient, ldapLogin } from '../support/ldap-client';
import { LdapServer, startLdapServer } from '../support/ldap-server';
import { describeWithPrograms, TERRAFORM } from '../support/programs';
import { renderTemplates } from '../support/terraform-render';

const MANAGER_DN = 'cn=xuc reader,dc=example,dc=com';
const MANAGER_PASSWORD = 'Pa"ss\\w${x}%{y}# {}';
const TRUSTSTORE_PASSWORD = 'tr$ust{}#%&!-store';
const PEOPLE = 'ou=people,dc=example,dc=com';
const ENTRIES = `dn: ${PEOPLE}
objectClass: organizationalUnit
ou: people

dn: uid=jdoe,${PEOPLE}
objectClass: inetOrgPerson
uid: jdoe
cn: John Doe
sn: Doe
`;

describeWithPrograms(
  'LDAPS with a private CA, our truststore and xuc.conf',
  {
    slapd: 'slapd',
    slapadd: 'slapd',
    slappasswd: 'slapd',
    openssl: 'openssl',
    java: 'openjdk-17-jre-headless',
    javac: 'openjdk-17-jdk-headless',
    keytool: 'openjdk-17-jre-headless',
    terraform: TERRAFORM,
    [TYPESAFE_CONFIG_JAR]: 'libtypesafe-config-java',
  },
  () => {
    let server: LdapServer;
    let xucConf: string;
    let javaOpts: string[];

    beforeAll(async () => {
      server = await startLdapServer({ suffix: 'dc=example,dc=com', managerDN: MANAGER_DN, managerPassword: MANAGER_PASSWORD, entries: ENTRIES });
      fs.writeFileSync(path.join(tempDir(), 'ldap-chain.pem'), server.caChainPem);
      const built = build(
        withAuth({
          ldap: {
            url: server.url,
            managerDN: MANAGER_DN,
            searchBase: PEOPLE,
            userSearchFilter: '(&(objectClass=inetOrgPerson)(uid=%s))',
            caFile: 'ldap-chain.pem',
          },
        }),
      );
      const json = built.json(built.xuc());
      const xuc = containerNamed(json, 'xivocc-xuc');
      const builder = containerNamed(json, 'xivocc-xuc-truststore');

      // Build the truststore exactly as the builder container does, with local paths.
      const caDir = path.join(server.dir, 'ca');
      fs.mkdirSync(caDir);
      for (const u of builder.upload) fs.writeFileSync(path.join(caDir, path.basename(u.file)), u.content);
      const truststore = path.join(server.dir, 'ldapCertTrustStore');
      const [shell, flag, script] = builder.entrypoint as string[];
      execFileSync(shell, [flag, script], {
        env: { ...process.env, CA_DIR: caDir, TRUSTSTORE: truststore, XUC_TRUSTSTORE_PASSWORD: TRUSTSTORE_PASSWORD },
        stdio: 'pipe',
      });

      const env = envOf(xuc).JAVA_OPTS;
      const conf = uploadOf(xuc, '/conf/xuc.conf').content;
      const vars = { ldap_manager_password: MANAGER_PASSWORD, xuc_truststore_password: TRUSTSTORE_PASSWORD };
      [xucConf, javaOpts] = ((r) => [r[0], r[1].replace('/customSslTrustStore/ldapCertTrustStore', truststore).split(' ')])(
        renderTemplates([conf, env], vars),
      );
    }, 90_000);

    afterAll(() => {
      server?.stop();
      cleanLdapClient();
    });

    test('the truststore holds the JDK CAs and each certificate of the chain', () => {
      const list = execFileSync('keytool', ['-list', '-keystore', path.join(server.dir, 'ldapCertTrustStore'), '-storepass', TRUSTSTORE_PASSWORD], {
        encoding: 'utf8',
      });
      expect(list).toMatch(/^xivo-ldap-ca-01,/m);
      expect(list).toMatch(/^xivo-ldap-ca-02,/m);
      expect(Number(/contains (\d+) entries/.exec(list)![1])).toBeGreaterThan(10);
    });

    test('JAVA_OPTS carries heap and truststore flags', () => {
      expect(javaOpts.slice(0, 2)).toEqual(['-Xms512m', '-Xmx2048m']);
      expect(javaOpts).toContain(`-Djavax.net.ssl.trustStorePassword=${TRUSTSTORE_PASSWORD}`);
    });

    test('with our truststore, the client binds as managerDN and finds the user', () => {
      const result = ldapLogin(xucConf, 'jdoe', javaOpts);
      expect(result.output.trim()).toBe(`found: uid=jdoe,${PEOPLE}`);
      expect(result.status).toBe(0);
    }, 60_000);

    test('an unknown login finds nobody', () => {
      expect(ldapLogin(xucConf, 'nobody', javaOpts)).toEqual({ status: 0, output: '' });
    }, 60_000);

    test('without our truststore: PKIX path building failed, as XiVO CC documents', () => {
      const result = ldapLogin(
        xucConf,
        'jdoe',
        javaOpts.filter((o) => !o.startsWith('-Djavax.net.ssl')),
      );
      expect(result.status).toBe(2);
      expect(result.output).toContain('PKIX path building failed');
      expect(result.output).toContain('unable to find valid certification path to requested target');
    }, 60_000);
  },
);
