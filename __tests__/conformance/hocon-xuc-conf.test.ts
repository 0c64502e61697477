/**
 * Every xuc.conf we generate, rendered by the real terraform with hostile secrets, is parsed
 * by Typesafe Config (the library xuc reads it with) into exactly the values we were given.
 */
import { build, containerNamed, uploadOf, withAuth } from '../support/auth-stack';
import { parseHocon, TYPESAFE_CONFIG_JAR } from '../support/hocon-check';
import { describeWithPrograms, TERRAFORM } from '../support/programs';
import { renderTemplates } from '../support/terraform-render';

/**
 * Characters that end strings, start substitutions or comments, in HOCON and in Terraform templates.
 * No line break: an environment file's values are one line each (config/literal.ts); the secret,
 * given at plan time, still holds one.
 */
const HOSTILE = `q"uote \\back\\\\slash \${var.x} $\${y} %{ if true }x%{ endif } %%{z} {brace} [list] #hash //slash $$ \`tick' é€😀 <&> \t tab`;
const PASSWORD = `pa"ss\\word\${jsonencode(var.x)}%{for}}{#$\n`;

const LDAP = {
  url: 'ldaps://ldap.example.com:636',
  managerDN: `cn=${HOSTILE},dc=example,dc=com`,
  searchBase: `ou=${HOSTILE}`,
  userSearchFilter: `(&(uid=%s)(note=${HOSTILE}))`,
};
const KERBEROS = { realm: 'EXAMPLE.COM', kdc: ['kdc.example.com'], adminServer: 'kdc.example.com', keytabFile: 'xuc.keytab' };

interface Case {
  readonly name: string;
  readonly auth: Record<string, any>;
  readonly expected: Record<string, any>;
}
const ldapExpected = { ...LDAP, managerPassword: PASSWORD };
const CASES: Case[] = [
  { name: 'LDAP', auth: { ldap: LDAP }, expected: { authentication: { ldap: ldapExpected } } },
  {
    name: 'plain LDAP + XiVO authentication off',
    auth: { xivo: false, ldap: { ...LDAP, url: 'ldap://10.0.0.5:389' } },
    expected: { authentication: { ldap: { ...ldapExpected, url: 'ldap://10.0.0.5:389' }, xivo: '' } },
  },
  {
    name: 'LDAP + outbound queue',
    auth: { ldap: LDAP, outboundQueue: { name: 'outbound', number: '3000', outboundLength: 10 } },
    expected: { authentication: { ldap: ldapExpected }, xuc: { outboundLength: 10 } },
  },
  {
    name: 'XiVO authentication off with OIDC',
    auth: { xivo: false, oidc: { serverUrl: 'https://id.example.com', clientId: 'web' } },
    expected: { authentication: { xivo: '' } },
  },
  { name: 'XiVO authentication off with Kerberos', auth: { xivo: false, kerberos: KERBEROS }, expected: { authentication: { xivo: '' } } },
  { name: 'outbound queue alone', auth: { outboundQueue: { name: 'outbound', number: '3000' } }, expected: { xuc: { outboundLength: 6 } } },
  {
    name: 'LDAP + Kerberos + OIDC + CAS + outbound queue, XiVO authentication off',
    auth: {
      xivo: false,
      ldap: LDAP,
      kerberos: KERBEROS,
      oidc: { serverUrl: 'https://id.example.com', clientId: 'web' },
      cas: { serverUrl: 'https://cas.example.com' },
      outboundQueue: { name: 'out-acd', number: '3001', outboundLength: 9 },
    },
    expected: { authentication: { ldap: ldapExpected, xivo: '' }, xuc: { outboundLength: 9 } },
  },
];

describeWithPrograms(
  'xuc.conf is valid HOCON with the exact values',
  { java: 'openjdk-17-jre-headless', [TYPESAFE_CONFIG_JAR]: 'libtypesafe-config-java', terraform: TERRAFORM },
  () => {
    let parsed: Record<string, any>[] = [];
    let rendered: string[] = [];

    beforeAll(() => {
      const templates = CASES.map(({ auth }) => {
        const built = build(withAuth(auth));
        return uploadOf(containerNamed(built.json(built.xuc()), 'xivocc-xuc'), '/conf/xuc.conf').content as string;
      });
      rendered = renderTemplates(templates, { ldap_manager_password: PASSWORD });
      parsed = parseHocon(rendered);
    }, 60_000);

    test.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_, i) => {
      expect(parsed[i]).toEqual(CASES[i].expected);
    });

    test('every file starts by including the image configuration', () => {
      for (const text of rendered) expect(text.split('\n')[1]).toBe('include "application.conf"');
    });

    test('a secret holding a quote cannot end its string (checked with an unescaped insertion)', () => {
      const naive = rendered[0].replace(JSON.stringify(PASSWORD), `"${PASSWORD}"`);
      expect(naive).not.toBe(rendered[0]);
      expect(() => parseHocon([naive])).toThrow();
    });
  },
);
