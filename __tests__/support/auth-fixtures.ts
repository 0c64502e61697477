/**
 * The directory and realm of the auth tests, shared by the construct tests (props) and the YAML
 * mapping tests (the same values in an environment file's `auth` section).
 */
import * as fs from 'fs';
import * as path from 'path';

/** The private CA of the sso environment's LDAP server. */
export const LDAP_CA_PEM = fs.readFileSync(path.join(__dirname, '..', '..', 'environments', 'sso', 'ldap-ca.pem'), 'utf8');

/** An LDAPS directory: AuthLdap props, and `auth.ldap` as written in a file. */
export const LDAP = {
  url: 'ldaps://ldap.example.com:636',
  managerDN: 'cn=reader,dc=example,dc=com',
  searchBase: 'dc=example,dc=com',
  userSearchFilter: 'uid=%s',
};

/** A Kerberos realm with two KDCs (the second on an explicit port). */
export const REALM = { realm: 'EXAMPLE.COM', kdc: ['kdc1.example.com', 'kdc2.example.com:88'], adminServer: 'kdc1.example.com' };
