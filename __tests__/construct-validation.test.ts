/**
 * Props validation of the constructs used directly, as a library user would: the class of the
 * error, its exact message and the construct path. The constructs whose refusals are already
 * tested where they are built (HostFile, EnvFileKeys, the xuc features, ServerCertificate)
 * assert the same through `expectValidationError` in their own test files.
 */
import { TerraformStack, Testing } from '../constructs/terraform-cdk';
import { Construct } from 'constructs';
import { findService } from '../catalogue/services';
import { NginxService } from '../constructs/nginx/nginx-service';
import { Runbook } from '../constructs/runbook';
import { InternalCa } from '../constructs/tls/internal-ca';
import { ProvidedCertificate } from '../constructs/tls/provided-certificate';
import { credentialSecret, XivoCredentials } from '../constructs/xuc/xivo-credentials';
import { libraryStack } from './support/library-stack';
import { expectInternalError, expectValidationError } from './support/thrown';

const stack = () => new TerraformStack(Testing.app(), 's');

describe('Runbook', () => {
  test('a name that is not lowercase letters, digits and dashes is refused', () => {
    expectValidationError(
      () => new Runbook(stack(), 'rb', { environment: 'lib', name: 'Kerberos_Browsers', content: '# x' }),
      's/rb',
      `s/rb: runbook name "Kerberos_Browsers" must be lowercase letters, digits and '-'`,
    );
  });
});

describe('XivoCredentials', () => {
  test('two credentials under one env name are refused', () => {
    expectValidationError(
      () => new XivoCredentials(stack(), 'creds', { envNames: { ctiPassword: 'PASSWORD', amiSecret: 'PASSWORD' } }),
      's/creds',
      's/creds: amiSecret and ctiPassword would both be given to xuc as PASSWORD: give them different envNames',
    );
  });

  test('asking the sensitive variable of a user name is an internal error', () => {
    const s = stack();
    expectInternalError(() => credentialSecret(s, 'ctiUser'), 's: internal error: ctiUser is not a secret credential');
  });
});

describe('NginxService', () => {
  test('a site whose certificate is not the service file base is refused when nginx.conf is rendered', () => {
    const { stack: s } = libraryStack();
    const nginx = new NginxService(s, 'nginx', {
      definition: findService('cc.nginx')!,
      site: {
        serverName: 'cc.lib.example.com',
        httpsPort: 443,
        websocketTimeoutSeconds: 60,
        upstreams: [],
        locations: [],
        certificateFile: '/etc/nginx/ssl/other.crt',
        keyFile: '/etc/nginx/ssl/xivoxc.key',
      },
      tls: { certificateChainPem: 'chain', privateKeyPem: 'key', csrPem: 'csr' },
      sslHostDir: '/etc/docker/nginx/ssl',
      fileBaseName: 'xivoxc',
    });
    expectValidationError(
      () => Testing.synth(s),
      'lib-cc1/nginx',
      "lib-cc1/nginx: the site's certificate must be /etc/nginx/ssl/xivoxc.crt and key /etc/nginx/ssl/xivoxc.key",
    );
    expect(() => nginx.config).toThrow("lib-cc1/nginx: the site's certificate must be");
  });
});

describe('InternalCa', () => {
  test('signing a second certificate for the same consumer is refused, in the consumer', () => {
    const app = Testing.app();
    const ca = InternalCa.create(new TerraformStack(app, 'pbx'), { environment: 'lib' });
    const consumer = new Construct(new TerraformStack(app, 'cc'), 'front');
    ca.sign(consumer, 'CSR');
    expectValidationError(() => ca.sign(consumer, 'CSR'), 'cc/front', 'cc/front: a certificate was already issued for this construct');
  });
});

describe('ProvidedCertificate', () => {
  test('a provided certificate without names is refused', () => {
    expectValidationError(
      () => new ProvidedCertificate(stack(), 'cert', { spec: { certFile: 'cc.crt', keyFile: 'cc.key' }, directory: '/nonexistent', names: [] }),
      's/cert',
      's/cert: a provided certificate needs at least its FQDN in names',
    );
  });
});
