/**
 * The files an environment file names are found by walking the schema's `filePath` fields along
 * the parsed YAML (config/named-files.ts): every such field, whatever the shape of its path
 * (spaces included), in valid and invalid files alike.
 */
import { namedInputFiles } from '../config/named-files';

test('every filePath field of the schema is found, paths with spaces included', () => {
  const spec = {
    auth: { ldap: { caFile: 'ldap certs/directory ca.pem' }, kerberos: { keytabFile: 'xuc keytab' } },
    tls: {
      provided: { certFile: 'front.crt', keyFile: 'front.key', chainFiles: ['chain 1.crt', 'chain 2.crt'] },
      cti: { provided: { certFile: 'cti.crt', keyFile: 'cti.key' } },
    },
    edge: { provided: { certFile: 'edge.crt', keyFile: 'edge.key', chainFiles: ['edge chain.crt'] } },
    servers: [{ docker: { tls: { caFile: 'docker/ca.pem', certFile: 'docker/cert.pem', keyFile: 'docker/key.pem' } } }, { docker: {} }],
  };
  expect(namedInputFiles(spec)).toEqual(
    [
      'ldap certs/directory ca.pem',
      'xuc keytab',
      'front.crt',
      'front.key',
      'chain 1.crt',
      'chain 2.crt',
      'cti.crt',
      'cti.key',
      'edge.crt',
      'edge.key',
      'edge chain.crt',
      'docker/ca.pem',
      'docker/cert.pem',
      'docker/key.pem',
    ].sort(),
  );
});

test('strings that are not file fields are not inputs; an invalid file still gives its files', () => {
  expect(
    namedInputFiles({ name: 'x.pem', publicNames: { xivoHost: 'ca.pem' }, auth: { ldap: { caFile: 'ca.pem', url: 42 } }, servers: 'nope' }),
  ).toEqual(['ca.pem']);
  expect(namedInputFiles(undefined)).toEqual([]);
  expect(namedInputFiles({ tls: { provided: { chainFiles: 'not a list' } } })).toEqual([]);
});
