/**
 * The features environment of the end-to-end suite: what the split XiVO CC of environment.ts never
 * applies. A XiVO PBX, an MDS and a UC-Addon on three more test hosts, with Kerberos (a keytab
 * made by the test, read by Terraform at plan time), CAS, the outbound queue, XiVO authentication
 * off, AUTH_PREVENT_XUC_LOGIN=false, and operator-provided certificates (root, intermediate and
 * leaves made by the test with openssl) on the UC-Addon front and the PBX's CTI server.
 *
 * One environment covers them all: the auth modes combine on one xuc (config/rules-auth.ts refuses
 * no combination, and xuc.conf, JAVA_OPTS and the env compose them), so three stacks suffice.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pinnedHelperImage, TestHost } from './harness';

export const FEATURES_ENV = 'feat';
/** Server name → test host (scripts/e2e/hosts.sh spec). */
export const FEATURE_SERVERS = { pbx: 'feat-pbx', mds1: 'feat-mds1', uc: 'feat-uc' } as const;
export type FeatureServer = keyof typeof FEATURE_SERVERS;
export const FEATURE_HOST_SPECS = Object.values(FEATURE_SERVERS);
export const FEATURE_PUBLIC = { xivoHost: 'pbx.feat.test', ucAddonHost: 'uc.feat.test' } as const;
export const KERBEROS = { realm: 'FEAT.TEST', principal: `HTTP/${FEATURE_PUBLIC.ucAddonHost}`, kdc: 'kdc.feat.test' } as const;
export const CAS = { serverUrl: 'https://cas.feat.test/cas', logout: true } as const;
export const OUTBOUND_QUEUE = { name: 'outbound', number: '3900', outboundLength: 8 } as const;

/** The files the test made, as the environment file names them (relative) and where they are. */
export interface FeatureFiles {
  readonly envFile: string;
  readonly dir: string;
  readonly rootCa: string;
  readonly intermediateCa: string;
  readonly frontCert: string;
  readonly frontKey: string;
  readonly ctiCert: string;
  readonly ctiKey: string;
  readonly keytab: string;
}

const openssl = (args: readonly string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** A CA or leaf signed by `issuer` (self-signed without one), with the extensions given. */
function certificate(dir: string, name: string, subject: string, extensions: string, issuer?: string): void {
  const file = (ext: string) => path.join(dir, `${name}.${ext}`);
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('key'), '-out', file('csr'), '-subj', subject]);
  fs.writeFileSync(file('ext'), extensions);
  const signer = issuer
    ? ['-CA', path.join(dir, `${issuer}.crt`), '-CAkey', path.join(dir, `${issuer}.key`), '-CAcreateserial']
    : ['-signkey', file('key')];
  openssl(['x509', '-req', '-in', file('csr'), ...signer, '-out', file('crt'), '-days', '2', '-extfile', file('ext')]);
  fs.chmodSync(file('key'), 0o600);
}

/**
 * A keytab of the service principal made with MIT ktutil (no KDC needed), of key version `kvno`.
 * Written over `file`: Terraform reads it at plan time.
 */
export function writeKeytab(file: string, kvno: number, password: string): void {
  const tmp = `${file}.tmp`;
  fs.rmSync(tmp, { force: true });
  const commands = `addent -password -p ${KERBEROS.principal}@${KERBEROS.realm} -k ${kvno} -e aes256-cts-hmac-sha1-96\n${password}\nwkt ${tmp}\nquit\n`;
  execFileSync('ktutil', [], { input: commands, stdio: ['pipe', 'ignore', 'pipe'] });
  fs.renameSync(tmp, file);
}

const leafExtensions = (names: string[]) =>
  `basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`;

/**
 * A new key and certificate of the UC-Addon front from the same intermediate, written over the
 * files the environment names (what an operator does when the certificate is renewed).
 */
export function renewFrontCertificate(files: FeatureFiles): void {
  certificate(
    path.dirname(files.frontCert),
    'uc-front',
    `/CN=${FEATURE_PUBLIC.ucAddonHost}`,
    leafExtensions([FEATURE_PUBLIC.ucAddonHost, 'uc.hosts.feat.test']),
    'intermediate',
  );
}

/** The operator's PKI: a root, an intermediate, the UC-Addon front's and the CTI server's leaves. */
function writePki(dir: string): void {
  const ca = 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n';
  certificate(dir, 'root', '/CN=Feature Test Root CA', ca);
  certificate(dir, 'intermediate', '/CN=Feature Test Intermediate CA', ca.replace('CA:true', 'CA:true,pathlen:0'), 'root');
  certificate(
    dir,
    'uc-front',
    `/CN=${FEATURE_PUBLIC.ucAddonHost}`,
    leafExtensions([FEATURE_PUBLIC.ucAddonHost, 'uc.hosts.feat.test']),
    'intermediate',
  );
  certificate(dir, 'pbx-cti', `/CN=${FEATURE_PUBLIC.xivoHost}`, leafExtensions([FEATURE_PUBLIC.xivoHost, 'pbx.hosts.feat.test']), 'intermediate');
}

/** Writes `<dir>/feat.yaml`, its PKI and keytab beside it (under files/); returns where they are. */
export function writeFeaturesEnvironment(dir: string, hosts: readonly TestHost[], kerberosPassword: string): FeatureFiles {
  const files = path.join(dir, 'files');
  fs.mkdirSync(files, { recursive: true });
  writePki(files);
  writeKeytab(path.join(files, 'xuc.keytab'), 3, kerberosPassword);
  const server = (name: FeatureServer, roles: string) => {
    const h = hosts.find((x) => x.name === FEATURE_SERVERS[name])!;
    return `  - name: ${name}\n    address: ${h.address}\n    fqdn: ${name}.hosts.feat.test\n    docker: { host: "${h.socket}" }\n    roles: [${roles}]`;
  };
  const yaml = `# Written by the end-to-end suite (__tests__/e2e/features.test.ts): the features environment.
name: ${FEATURES_ENV}
release: "2024.05"
helperImage: ${pinnedHelperImage()}
backend:
  type: local
  directory: state
publicNames:
  xivoHost: ${FEATURE_PUBLIC.xivoHost}
  ucAddonHost: ${FEATURE_PUBLIC.ucAddonHost}
servers:
${server('pbx', 'xivo')}
${server('mds1', 'mds')}
${server('uc', 'ucaddon')}
auth:
  xivo: false
  allowXucUserLogin: true
  kerberos:
    realm: ${KERBEROS.realm}
    kdc: [${KERBEROS.kdc}]
    adminServer: ${KERBEROS.kdc}
    principal: ${KERBEROS.principal}
    keytabFile: files/xuc.keytab
  cas:
    serverUrl: ${CAS.serverUrl}
    logout: ${CAS.logout}
  outboundQueue:
    name: ${OUTBOUND_QUEUE.name}
    number: "${OUTBOUND_QUEUE.number}"
    outboundLength: ${OUTBOUND_QUEUE.outboundLength}
tls:
  mode: provided
  provided:
    certFile: files/uc-front.crt
    keyFile: files/uc-front.key
    chainFiles: [files/root.crt, files/intermediate.crt]   # out of order on purpose: synth orders the chain
  cti:
    provided:
      certFile: files/pbx-cti.crt
      keyFile: files/pbx-cti.key
      chainFiles: [files/intermediate.crt, files/root.crt]
`;
  const envFile = path.join(dir, `${FEATURES_ENV}.yaml`);
  fs.writeFileSync(envFile, yaml);
  const at = (name: string) => path.join(files, name);
  return {
    envFile,
    dir,
    rootCa: at('root.crt'),
    intermediateCa: at('intermediate.crt'),
    frontCert: at('uc-front.crt'),
    frontKey: at('uc-front.key'),
    ctiCert: at('pbx-cti.crt'),
    ctiKey: at('pbx-cti.key'),
    keytab: at('xuc.keytab'),
  };
}
