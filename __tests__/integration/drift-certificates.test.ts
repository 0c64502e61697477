/**
 * Drift's certificate report on certificates made by openssl: those of the state (internal CA,
 * servers: renewed by a deploy) and the provided files a stack reads (`${file("…")}` of an
 * upload: the file is named), each reported only within the window.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readEstate } from '../../backup/estate';
import { expiringCertificates } from '../../drift/drift';
import { describeWithPrograms } from '../support/programs';

function certificate(file: string, commonName: string, days: number): string {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${file}.key`,
      '-out',
      file,
      '-days',
      String(days),
      '-subj',
      `/CN=${commonName}`,
    ],
    {
      stdio: 'ignore',
    },
  );
  return fs.readFileSync(file, 'utf8');
}

describeWithPrograms('drift: certificates expiring within 30 days', { openssl: 'openssl' }, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-drift-certs-'));
    const stackDir = path.join(dir, 'out', 'stacks', 'corp-cc');
    fs.mkdirSync(stackDir, { recursive: true });
    fs.mkdirSync(path.join(dir, 'certs'));
    certificate(path.join(dir, 'certs', 'soon.crt'), 'cc.corp.example.com', 12);
    certificate(path.join(dir, 'certs', 'later.crt'), 'uc.corp.example.com', 200);
    fs.writeFileSync(path.join(dir, 'out', 'manifest.json'), JSON.stringify({ stacks: { 'corp-cc': {} } }));
    const labels = [
      { label: 'org.xivo.environment', value: 'corp' },
      { label: 'org.xivo.server', value: 'cc' },
    ];
    fs.writeFileSync(
      path.join(stackDir, 'cdk.tf.json'),
      JSON.stringify({
        resource: {
          docker_network: { network: { labels } },
          docker_container: {
            soon: { name: 'xivo-file-soon', upload: [{ file: '/host/xivoxc.crt', content: '${file("../../../certs/soon.crt")}' }] },
            later: { name: 'xivo-file-later', upload: [{ file: '/host/uc.crt', content: '${file("../../../certs/later.crt")}' }] },
          },
        },
      }),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('internal certificates of the state and provided files, within the window only, the provided file named', () => {
    const [stack] = readEstate(path.join(dir, 'out'), 'corp');
    const state = [
      {
        address: 'tls_locally_signed_cert.server',
        type: 'tls_locally_signed_cert',
        mode: 'managed',
        values: { cert_pem: certificate(path.join(dir, 'server.pem'), 'cc-core', 20) },
      },
      {
        address: 'tls_self_signed_cert.ca',
        type: 'tls_self_signed_cert',
        mode: 'managed',
        values: { cert_pem: certificate(path.join(dir, 'ca.pem'), 'CA', 3650) },
      },
    ];
    const found = expiringCertificates(stack, state, 30).map((c) => [c.source, c.subject, c.commonName, c.daysLeft]);
    expect(found).toEqual([
      ['internal', 'tls_locally_signed_cert.server', 'cc-core', 19],
      ['provided', path.relative(process.cwd(), path.join(dir, 'certs', 'soon.crt')), 'cc.corp.example.com', 11],
    ]);
    expect(expiringCertificates(stack, state, 5)).toEqual([]);
  });
});
