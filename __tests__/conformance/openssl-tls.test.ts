/**
 * The certificate checks of mode provided against a PKI made by the real openssl, and
 * openssl's own verdict on what we build: the ordered chain bundle, a server certificate
 * issued with the attributes of our internal-CA resources, and the CSR we request.
 */
import { createPrivateKey } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkChain } from '../../constructs/tls/chain';
import { ProvidedCertificate } from '../../constructs/tls/provided-certificate';
import { describeWithPrograms, TERRAFORM } from '../support/programs';
import { issuedFor, resources, synthEnvironments } from '../support/synth';
import { Pki, makeLeaf, makePki, openssl } from '../support/pki-fixtures';
import { baseline, issuesOf, messagesOf, writeEnvironment } from '../support/environments';
import { applyConfiguration } from '../support/terraform-render';

const FQDN = 'cc.test.example.com';

describeWithPrograms('openssl and our TLS material', { openssl: 'openssl', terraform: TERRAFORM }, () => {
  let dir: string;
  let pki: Pki;
  let leaf: { cert: string; key: string };
  const read = (file: string) => ({ file: path.basename(file), pem: fs.readFileSync(file, 'utf8') });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-pki-'));
    pki = makePki(dir);
    leaf = makeLeaf(pki, 'xivoxc', { names: [FQDN, 'cc-alt.test.example.com'] });
  });

  test('a complete chain given in any order is accepted and ordered; openssl verifies the bundle', () => {
    const result = checkChain({ cert: read(leaf.cert), key: read(leaf.key), chain: [read(pki.rootCert), read(pki.intermediateCert)], names: [FQDN] });
    expect(result.problems).toEqual([]);
    expect(result.order).toEqual([1, 0]); // intermediate first, then root
    const ordered = ProvidedCertificate.orderedChain({
      spec: { certFile: 'xivoxc.crt', keyFile: 'xivoxc.key', chainFiles: ['root.crt', 'intermediate.crt'] },
      directory: dir,
      names: [FQDN],
    });
    expect(ordered).toEqual(['intermediate.crt', 'root.crt']);
    const bundle = path.join(dir, 'bundle.crt');
    fs.writeFileSync(bundle, ['xivoxc.crt', ...ordered].map((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim()).join('\n') + '\n');
    // The leaf verifies with the bundle's intermediates against the root, for TLS servers.
    expect(openssl(['verify', '-purpose', 'sslserver', '-CAfile', pki.rootCert, '-untrusted', bundle, leaf.cert], dir)).toContain(': OK');
    expect(openssl(['verify', '-verify_hostname', FQDN, '-CAfile', pki.rootCert, '-untrusted', pki.intermediateCert, leaf.cert], dir)).toContain(
      ': OK',
    );
  });

  test('an incomplete chain is rejected without advising to remove the root (and openssl agrees)', () => {
    const { problems } = checkChain({ cert: read(leaf.cert), key: read(leaf.key), chain: [read(pki.rootCert)], names: [FQDN] });
    expect(problems).toEqual([
      `chain is incomplete: "${FQDN}" is issued by "Test Intermediate CA", which is in none of the chain files: add the certificate of "Test Intermediate CA" (intermediates up to the root) to chainFiles (XiVO CC "System Configuration": a complete chain)`,
    ]);
    expect(() => openssl(['verify', '-CAfile', pki.rootCert, leaf.cert], dir)).toThrow(/unable to get local issuer certificate/);
  });

  test('a chain without its root is incomplete', () => {
    const { problems } = checkChain({ cert: read(leaf.cert), key: read(leaf.key), chain: [read(pki.intermediateCert)], names: [FQDN] });
    expect(problems).toEqual([
      'chain is incomplete: "Test Intermediate CA" is issued by "Test Root CA", which is in none of the chain files: add the certificate of "Test Root CA" (intermediates up to the root) to chainFiles (XiVO CC "System Configuration": a complete chain)',
    ]);
  });

  test('a key that does not match the certificate is rejected', () => {
    const { problems } = checkChain({
      cert: read(leaf.cert),
      key: read(pki.intermediateKey),
      chain: [read(pki.intermediateCert), read(pki.rootCert)],
      names: [FQDN],
    });
    expect(problems).toEqual([
      'key in "intermediate.key" does not match the certificate in "xivoxc.crt": give the private key the certificate was requested with',
    ]);
  });

  test('a SAN without the FQDN is rejected, even when the CN carries it', () => {
    const other = makeLeaf(pki, 'nosan', { names: ['other.test.example.com'] });
    const { problems } = checkChain({
      cert: read(other.cert),
      key: read(other.key),
      chain: [read(pki.intermediateCert), read(pki.rootCert)],
      names: [FQDN],
    });
    expect(problems).toEqual([
      `certificate in "nosan.crt" does not list "${FQDN}" in its subjectAltName (it lists other.test.example.com): request a certificate whose SAN includes ${FQDN} (certificate guidance for contact centres: the FQDN must be in the SAN)`,
    ]);
  });

  test('an RSA 1024 key is rejected', () => {
    const weak = makeLeaf(pki, 'weak', { names: [FQDN], bits: 1024 });
    const { problems } = checkChain({
      cert: read(weak.cert),
      key: read(weak.key),
      chain: [read(pki.intermediateCert), read(pki.rootCert)],
      names: [FQDN],
    });
    expect(problems).toEqual([
      `certificate "${FQDN}" in "weak.crt" has an RSA key of 1024 bits: use RSA of at least 2048 bits or ECDSA P-256/P-384 (certificate guidance for contact centres)`,
    ]);
  });

  test('an expired certificate is rejected', () => {
    const old = makeLeaf(pki, 'expired', { names: [FQDN], notBefore: '20200101000000Z', notAfter: '20210101000000Z' });
    const { problems } = checkChain({
      cert: read(old.cert),
      key: read(old.key),
      chain: [read(pki.intermediateCert), read(pki.rootCert)],
      names: [FQDN],
    });
    expect(problems).toEqual([`certificate "${FQDN}" in "expired.crt" expired on 2021-01-01: renew it`]);
  });

  test("a key with a passphrase is reported at keyFile's own line, as is a key of another certificate", () => {
    const env = baseline();
    env.tls = { mode: 'provided', provided: { certFile: 'xivoxc.crt', keyFile: 'locked.key', chainFiles: ['intermediate.crt', 'root.crt'] } };
    const here = path.dirname(writeEnvironment(env));
    for (const f of ['xivoxc.crt', 'intermediate.crt', 'root.crt']) fs.copyFileSync(path.join(dir, f), path.join(here, f));
    // The right key, encrypted as `openssl pkey -aes256` would.
    const locked = createPrivateKey(fs.readFileSync(leaf.key)).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'hunter2' });
    fs.writeFileSync(path.join(here, 'locked.key'), locked);
    // Line 22 is certFile, line 23 keyFile: the message goes to the key's line.
    expect(fs.readFileSync(path.join(here, 'test.yaml'), 'utf8').split('\n').slice(21, 23)).toEqual([
      '    certFile: xivoxc.crt',
      '    keyFile: locked.key',
    ]);
    expect(issuesOf(env)).toEqual([
      'test.yaml:23:5: tls.provided.keyFile: "locked.key" is protected by a passphrase, which nginx cannot be given when it starts: give the key without it (openssl pkey -in locked.key -out locked.key.plain, then keep that file as private as the key)',
    ]);
    fs.copyFileSync(pki.intermediateKey, path.join(here, 'locked.key'));
    expect(issuesOf(env)).toEqual([
      'test.yaml:23:5: tls.provided.keyFile: key in "locked.key" does not match the certificate in "xivoxc.crt": give the private key the certificate was requested with',
    ]);
  });

  test('the rules report provided-file problems at the key path, with the same message', () => {
    const env = baseline();
    env.tls = { mode: 'provided', provided: { certFile: 'xivoxc.crt', keyFile: 'xivoxc.key', chainFiles: ['intermediate.crt'] } };
    const file = writeEnvironment(env, 'provided');
    for (const f of ['xivoxc.crt', 'xivoxc.key', 'intermediate.crt']) fs.copyFileSync(path.join(dir, f), path.join(path.dirname(file), f));
    expect(messagesOf(env)).toEqual([
      'tls.provided.certFile: chain is incomplete: "Test Intermediate CA" is issued by "Test Root CA", which is in none of the chain files: add the certificate of "Test Root CA" (intermediates up to the root) to chainFiles (XiVO CC "System Configuration": a complete chain)',
    ]);
  });

  test('provided mode with the files present: synth checks them and concatenates leaf, intermediate, root in issuing order', () => {
    const env = baseline();
    env.tls = { mode: 'provided', provided: { certFile: 'xivoxc.crt', keyFile: 'xivoxc.key', chainFiles: ['root.crt', 'intermediate.crt'] } };
    const file = writeEnvironment(env, 'provided-ok');
    for (const f of ['xivoxc.crt', 'xivoxc.key', 'intermediate.crt', 'root.crt'])
      fs.copyFileSync(path.join(dir, f), path.join(path.dirname(file), f));
    expect(messagesOf(env)).toEqual([]);
    const out = synthEnvironments(file);
    const [, writer] = resources(out.json('test-cc'), 'docker_container').find(([, c]) => c.upload?.[0]?.file === '/host/xivoxc.crt')!;
    const files = [...writer.upload[0].content.matchAll(/file\("([^"]+)"\)/g)].map((m: RegExpMatchArray) => path.basename(m[1]));
    expect(files).toEqual(['xivoxc.crt', 'intermediate.crt', 'root.crt']);
    // Terraform renders the bundle (paths made absolute: it runs elsewhere) and openssl verifies it.
    const stackDir = path.resolve('cdktf.out', 'stacks', 'test-cc');
    const template = writer.upload[0].content.replace(/file\("([^"]+)"\)/g, (_: string, rel: string) => `file("${path.resolve(stackDir, rel)}")`);
    const bundle = applyConfiguration({ output: { bundle: { value: template } } }, {}).bundle.value as string;
    const pem = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8').trim();
    expect(bundle).toBe(`${pem('xivoxc.crt')}\n${pem('intermediate.crt')}\n${pem('root.crt')}\n`);
    fs.writeFileSync(path.join(dir, 'rendered-bundle.crt'), bundle);
    expect(
      openssl(['verify', '-purpose', 'sslserver', '-CAfile', pki.rootCert, '-untrusted', 'rendered-bundle.crt', 'rendered-bundle.crt'], dir),
    ).toContain(': OK');
    expect([...out.files().values()].some((c) => c.includes('PRIVATE KEY'))).toBe(false);
  });

  describe('bundled environments', () => {
    let synth: ReturnType<typeof synthEnvironments>;
    beforeAll(() => {
      synth = synthEnvironments();
    });

    test('a server certificate issued with the attributes of our internal-CA resources verifies against that CA', () => {
      const json = synth.json('prod-pbx');
      const [, ca] = resources(json, 'tls_self_signed_cert')[0];
      const [, caKey] = resources(json, 'tls_private_key').find(([id]) => id.startsWith('InternalCa'))!;
      // the front's key and CSR are made in its key stack; the certificate in the PBX stack, where the CA is
      const [[, csr]] = resources(synth.json('prod-cc-core-key'), 'tls_cert_request');
      const [, signed] = issuedFor(json, 'prod-cc-core', 'tls_locally_signed_cert')[0];
      const [[, key]] = resources(synth.json('prod-cc-core-key'), 'tls_private_key');
      expect(ca.is_ca_certificate).toBe(true);
      const d = path.join(dir, 'internal');
      fs.mkdirSync(d, { recursive: true });
      // Same algorithm, usages and names as the resources; openssl plays the tls provider.
      openssl(
        [
          'req',
          '-x509',
          '-newkey',
          `rsa:${caKey.rsa_bits}`,
          '-nodes',
          '-keyout',
          'ca.key',
          '-out',
          'ca.crt',
          '-days',
          String(ca.validity_period_hours / 24),
          '-subj',
          `/CN=${ca.subject[0].common_name}/O=${ca.subject[0].organization}`,
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          `keyUsage=critical,${usages(ca.allowed_uses)}`,
        ],
        d,
      );
      fs.writeFileSync(
        path.join(d, 'server.ext'),
        [
          'basicConstraints=critical,CA:FALSE',
          `keyUsage=critical,${usages(signed.allowed_uses)}`,
          `extendedKeyUsage=${extended(signed.allowed_uses)}`,
          `subjectAltName=${csr.dns_names.map((n: string) => `DNS:${n}`).join(',')}`,
          '',
        ].join('\n'),
      );
      openssl(
        [
          'req',
          '-newkey',
          `rsa:${key.rsa_bits}`,
          '-nodes',
          '-keyout',
          'server.key',
          '-out',
          'server.csr',
          '-subj',
          `/CN=${csr.subject[0].common_name}`,
        ],
        d,
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          'server.csr',
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-out',
          'server.crt',
          '-days',
          String(signed.validity_period_hours / 24),
          '-extfile',
          'server.ext',
        ],
        d,
      );
      expect(openssl(['verify', '-purpose', 'sslserver', '-verify_hostname', 'cc.prod.example.com', '-CAfile', 'ca.crt', 'server.crt'], d)).toContain(
        'server.crt: OK',
      );
      // and our own synth-time check accepts it with the leaf + CA bundle the front gets
      const r = (f: string) => ({ file: f, pem: fs.readFileSync(path.join(d, f), 'utf8') });
      expect(checkChain({ cert: r('server.crt'), key: r('server.key'), chain: [r('ca.crt')], names: ['cc.prod.example.com'] }).problems).toEqual([]);
    });

    test('the CSR we request carries the FQDN as CN and every SAN (openssl req built from our tls_cert_request)', () => {
      const [[, csr]] = resources(synth.json('prod-cc-core-key'), 'tls_cert_request');
      const d = path.join(dir, 'csr');
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(
        path.join(d, 'req.cnf'),
        [
          '[req]',
          'prompt=no',
          'distinguished_name=dn',
          'req_extensions=ext',
          '[dn]',
          `CN=${csr.subject[0].common_name}`,
          `O=${csr.subject[0].organization}`,
          '[ext]',
          `subjectAltName=${csr.dns_names.map((n: string) => `DNS:${n}`).join(',')}`,
          '',
        ].join('\n'),
      );
      openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-config', 'req.cnf', '-out', 'xivoxc.csr'], d);
      const text = openssl(['req', '-in', 'xivoxc.csr', '-noout', '-text', '-verify'], d);
      expect(text).toContain('CN = cc.prod.example.com');
      expect(text).toContain('DNS:cc.prod.example.com, DNS:cc-core.prod.example.com');
    });
  });
});

/** tls provider `allowed_uses` → openssl keyUsage / extendedKeyUsage names. */
const KEY_USAGE: Record<string, string> = {
  digital_signature: 'digitalSignature',
  key_encipherment: 'keyEncipherment',
  cert_signing: 'keyCertSign',
  crl_signing: 'cRLSign',
};
const EXT_USAGE: Record<string, string> = { server_auth: 'serverAuth', client_auth: 'clientAuth' };
const usages = (uses: string[]) =>
  uses
    .filter((u) => KEY_USAGE[u])
    .map((u) => KEY_USAGE[u])
    .join(',');
const extended = (uses: string[]) =>
  uses
    .filter((u) => EXT_USAGE[u])
    .map((u) => EXT_USAGE[u])
    .join(',');
