/** Props validation of the TLS and nginx constructs, with exact messages. */
import { TerraformStack, Testing } from '../constructs/terraform-cdk';
import { ServerCertificate } from '../constructs/tls/server-certificate';
import { renderNginxConfig } from '../constructs/nginx/nginx-config';
import { certificateNames } from '../constructs/tls/tls-options';
import { expectValidationError } from './support/thrown';

describe('TLS construct props', () => {
  const stack = () => new TerraformStack(Testing.app(), 's');

  test('a server certificate needs its FQDN', () => {
    expectValidationError(
      () => new ServerCertificate(stack(), 'cert', { names: [] }),
      's/cert',
      's/cert: a server certificate needs at least its FQDN in names',
    );
  });

  test('early renewal must be shorter than validity', () => {
    expectValidationError(
      () => new ServerCertificate(stack(), 'cert', { names: ['a.example.com'], validityDays: 10, earlyRenewalDays: 10 }),
      's/cert',
      's/cert: earlyRenewalDays (10) must be less than validityDays (10), or every deploy re-issues the certificate',
    );
  });

  test('ECDSA keys use the chosen curve; the FQDN stays first in the names', () => {
    const s = stack();
    new ServerCertificate(s, 'cert', {
      names: certificateNames('cc.example.com', ['b.example.com', 'a.example.com', 'cc.example.com', '10.0.0.1']),
      key: { algorithm: 'ECDSA', rsaBits: 2048, ecdsaCurve: 'P384' },
    });
    const json = JSON.parse(Testing.synth(s));
    expect(Object.values<any>(json.resource.tls_private_key)[0]).toMatchObject({ algorithm: 'ECDSA', ecdsa_curve: 'P384' });
    expect(Object.values<any>(json.resource.tls_self_signed_cert)[0].dns_names).toEqual(['cc.example.com', 'a.example.com', 'b.example.com']);
  });

  test('a location must name a known upstream', () => {
    expect(() =>
      renderNginxConfig({
        serverName: 'cc.example.com',
        httpsPort: 443,
        certificateFile: '/c',
        keyFile: '/k',
        websocketTimeoutSeconds: 60,
        upstreams: [],
        locations: [{ path: '/x', upstream: 'nowhere', websocket: false }],
      }),
    ).toThrow('nginx location /x: no upstream named nowhere');
  });
});
