/**
 * xuc's credentials towards XiVO: inferred env names, overridable; secrets only in the stacks running xuc; a note, not a warning,
 * while a name is inferred.
 */
import * as fs from 'fs';
import { AnnotationMetadataEntryType } from '../../constructs/terraform-cdk';
import * as path from 'path';
import { XUC_CREDENTIALS, XUC_CREDENTIALS_NOTE } from '../../catalogue/xuc-credentials';
import { reportLines } from '../../synth/report';
import { synthesize } from '../../main';
import { build, containerNamed, envOf, withAuth } from '../support/auth-stack';
import { synthEnvironments, SynthOutput, resources } from '../support/synth';

let out: SynthOutput;
beforeAll(() => {
  out = synthEnvironments();
});
afterAll(() => fs.rmSync(path.dirname(out.outdir), { recursive: true, force: true }));

const SECRET_VARIABLES = ['xuc_ami_secret', 'xuc_cti_password', 'xuc_ws_password'];

test('xuc gets the users as values and the passwords as sensitive variable references', () => {
  const built = build(withAuth({}));
  const env = envOf(containerNamed(built.json(built.xuc()), 'xivocc-xuc'));
  expect(env).toMatchObject({
    XIVO_CTI_USER: 'xuc',
    XIVO_CTI_PASSWORD: '${var.xuc_cti_password}',
    XIVO_WS_USER: 'xivows',
    XIVO_WS_PASSWORD: '${var.xuc_ws_password}',
    XIVO_AMI_USER: 'xuc',
    XIVO_AMI_SECRET: '${var.xuc_ami_secret}',
  });
  for (const fact of Object.values(XUC_CREDENTIALS)) expect(fact.envConfidence).toBe('inferred');
});

test('user names and env names are overridable from the environment file', () => {
  const built = build(withAuth({}, (e) => (e.xucCredentials = { amiUser: 'xucami', envNames: { amiSecret: 'AMI_SECRET', ctiUser: 'CTI_LOGIN' } })));
  const env = envOf(containerNamed(built.json(built.xuc()), 'xivocc-xuc'));
  expect(env).toMatchObject({ AMI_SECRET: '${var.xuc_ami_secret}', CTI_LOGIN: 'xuc', XIVO_AMI_USER: 'xucami' });
  expect(env.XIVO_AMI_SECRET).toBeUndefined();
});

test('two credentials under one env name are refused', () => {
  expect(() => build(withAuth({}, (e) => (e.xucCredentials = { envNames: { ctiPassword: 'PASSWORD', amiSecret: 'PASSWORD' } })))).toThrow(
    'test-cc/cc/xuc/xivo-credentials: amiSecret and ctiPassword would both be given to xuc as PASSWORD: give them different envNames',
  );
});

test.each(['prod-pbx', 'prod-mds1', 'prod-cc-core', 'prod-cc-reporting', 'prod-uc', 'prod-edge', 'lab-allinone'])(
  '%s declares the credential variables only if it runs a xuc, sensitive',
  (stack) => {
    const json = out.json(stack);
    const runsXuc = resources(json, 'docker_container').some(([, c]) => /-xuc$/.test(c.name));
    const declared = Object.keys(json.variable ?? {})
      .filter((v) => SECRET_VARIABLES.includes(v))
      .sort();
    expect(declared).toEqual(runsXuc ? SECRET_VARIABLES : []);
    for (const name of declared) expect(json.variable[name]).toMatchObject({ sensitive: true, type: 'string', nullable: false });
  },
);

test('inferred names are a note of each environment with a xuc, printed once per run, never a warning', () => {
  const outdir = path.join(path.dirname(out.outdir), 'notes', 'cdktf.out');
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  const warnings: string[] = [];
  const notes: string[] = [];
  synthesize(outdir, { referenceOutdir: 'cdktf.out', onWarning: (w) => warnings.push(w), onNote: (n) => notes.push(n) });
  expect(warnings).toEqual([]);
  expect(notes.map((n) => n.split('/')[0]).sort()).toEqual(['corp-cc', 'lab-allinone', 'prod-cc-core', 'sso-cc']);
  expect(reportLines(warnings, notes)).toEqual([`note: lab-allinone, prod-cc-core, corp-cc, sso-cc: ${XUC_CREDENTIALS_NOTE}`]);
});

test('no note once every name is set in the environment file', () => {
  const envNames = Object.fromEntries(Object.values(XUC_CREDENTIALS).map((f, i) => [Object.keys(XUC_CREDENTIALS)[i], f.env]));
  const built = build(withAuth({}, (e) => (e.xucCredentials = { envNames })));
  const infos = built.app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.INFO));
  expect(infos).toEqual([]);
  const partly = build(withAuth({}, (e) => (e.xucCredentials = { envNames: { ctiUser: 'CTI_LOGIN' } })));
  const partlyInfos = partly.app.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.INFO).map((m) => m.data));
  expect(partlyInfos).toEqual([XUC_CREDENTIALS_NOTE]);
});

test('the xivo-side runbook lists the users, AMI on the PBX and each MDS, pg_hba, the option, the variables', () => {
  const text = out.files().get('runbooks/prod/xivo-side.md')!;
  expect(text).toContain('| CTI user of xuc on XiVO (login `xuc`, verified) | `XIVO_CTI_USER` (inferred) | `xuc` |');
  expect(text).toContain('| password of the CTI user (random since 2021) | `XIVO_CTI_PASSWORD` (inferred) | `TF_VAR_xuc_cti_password` |');
  expect(text).toContain('`mds1`: AMI user `xuc` reachable on its VoIP address 10.20.0.21:5038 from `10.20.0.31`, `10.20.0.40`');
  expect(text).toContain('`mds2`: AMI user `xuc` reachable on its VoIP address 10.20.0.22:5038');
  expect(text).toContain('a `pg_hba.conf` entry for each CC server (`10.20.0.31/32`, `10.20.0.40/32`)');
  expect(text).toContain('"Multiqueues call stats sharing"');
  expect(out.files().has('runbooks/prod/xivo-side.md')).toBe(true);
});

test("the xivo-side runbook's checks name each xuc server's own container (the UC-Addon's is ucaddon-xuc)", () => {
  const checks = out.files().get('runbooks/prod/xivo-side.md')!.split('## Checks')[1];
  expect(checks.match(/docker logs \S+/g)).toEqual(['docker logs xivocc-xuc`', 'docker logs ucaddon-xuc`']);
  expect(checks).toContain('- `uc`: `nc -vz 10.20.0.10 5038`, `nc -vz 10.20.0.21 5038`, `nc -vz 10.20.0.22 5038`; `docker logs ucaddon-xuc`');
});
