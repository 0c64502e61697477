/**
 * `npm run impact -- --base HEAD~1` end to end, in a throwaway git repository holding this
 * checkout: a commit is made, both commits are synthesized by the real program (git worktree,
 * npm run synth), and the report and exit code are checked. The classification itself is
 * tested in-process (__tests__/integration/impact.test.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ImpactReport } from '../../impact/impact-report';
import { renderMarkdown } from '../../impact/markdown';
import { gitSandbox, GitSandbox } from '../support/git-sandbox';
import { makeLeaf, makePki } from '../support/pki-fixtures';
import { describeWithPrograms } from '../support/programs';

jest.setTimeout(120_000);

// Only prod is synthesized: the other environments do not change and would only cost time.
const PROD_ONLY = { XIVO_ENV_FILES: 'environments/prod.yaml' };

/** `npm run impact -- --base HEAD~1 --json` in the sandbox; the Markdown rendered from the same data. */
function runImpact(sandbox: GitSandbox, env: Record<string, string>): { status: number | null; report: ImpactReport; markdown: string } {
  const run = sandbox.npm('impact', ['--base', 'HEAD~1', '--json'], env);
  expect(run.stderr).not.toMatch(/impact:/);
  const report: ImpactReport = JSON.parse(run.stdout);
  // The Markdown printed without --json is rendered from the same data.
  return { status: run.status, report, markdown: renderMarkdown(report) };
}

describeWithPrograms('npm run impact on git commits', { git: 'git' }, () => {
  let sandbox: GitSandbox;
  beforeEach(() => {
    sandbox = gitSandbox();
  });
  afterEach(() => sandbox.remove());

  const impact = (env: Record<string, string> = PROD_ONLY) => runImpact(sandbox, env);

  test('auth.loginTimeoutMs changed in prod.yaml: xuc replaced on prod-cc-core and prod-uc, nothing else, exit 2', () => {
    sandbox.replaceIn('environments/prod.yaml', 'loginTimeoutMs: 7000', 'loginTimeoutMs: 9000');
    sandbox.commit('auth: longer login timeout');

    const { status, report, markdown } = impact();

    expect(status).toBe(2);
    const prod = report.environments.find((e) => e.name === 'prod')!;
    const changed = prod.stacks.flatMap((s) => [
      ...s.containers.map((c) => `${s.stack} ${c.service} ${c.action} ${c.why.join('; ')}`),
      ...s.others.map((o) => `${s.stack} ${o.address} ${o.action}`),
    ]);
    expect(changed).toEqual(['prod-cc-core xuc replace env LOGIN_TIMEOUT_MS', 'prod-uc xuc replace env LOGIN_TIMEOUT_MS']);
    expect(report.dataLoss).toEqual([]);
    expect(prod.summary).toBe('prod: 2 containers replaced on 2 servers (xuc), 0 data volumes at risk');
    expect(markdown).toContain("agents' CTI sessions drop and reconnect");
    expect(markdown).toContain('- prod: 2 containers replaced on 2 servers (xuc), 0 data volumes at risk');
    // The key is named, its value never.
    expect(markdown).not.toMatch(/9000|7000/);
  });

  test('a data volume renamed: data-loss risk shown first with its prevent_destroy, exit 3', () => {
    // The recordings volume (prod adopts pgxivocc's existing one by name: renaming that is refused).
    sandbox.replaceIn(
      'catalogue/services.ts',
      "{ name: 'recordings', containerPath: '/var/spool/recording-server', persistent: true, confidence: 'inferred' }",
      "{ name: 'records', containerPath: '/var/spool/recording-server', persistent: true, confidence: 'inferred' }",
    );
    sandbox.commit('catalogue: rename the recording-server volume');

    const { status, report, markdown } = impact();

    expect(status).toBe(3);
    expect(report.dataLoss).toEqual([
      expect.objectContaining({
        stack: 'prod-cc-reporting',
        volume: 'xivocc-recording-server-recordings',
        action: 'destroy',
        preventDestroy: true,
        createdInStack: ['xivocc-recording-server-records'],
      }),
    ]);
    const prod = report.environments.find((e) => e.name === 'prod')!;
    expect(prod.summary).toBe('prod: 1 container replaced on 1 server (recording-server), 1 data volume at risk');
    expect(markdown.indexOf('Data loss risk')).toBeLessThan(markdown.indexOf('### `prod`'));
    expect(markdown).toContain('🔴 **`prod-cc-reporting`**: volume `xivocc-recording-server-recordings` would be destroyed');
    expect(markdown).toContain('`prevent_destroy` is set on it');
  });

  test('a merge request that adds an environment, named alone by XIVO_ENV_FILES: every container created, exit 2 (not a failed base synth)', () => {
    const lab = fs.readFileSync(path.join(sandbox.dir, 'environments', 'lab.yaml'), 'utf8');
    fs.writeFileSync(path.join(sandbox.dir, 'environments', 'site.yaml'), lab.replace('name: lab', 'name: site'));
    sandbox.commit('a new site', true);

    const { status, report, markdown } = impact({ XIVO_ENV_FILES: 'environments/site.yaml' });

    expect(status).toBe(2);
    expect(report.addedFiles).toEqual(['environments/site.yaml']);
    const [site] = report.environments;
    expect(site).toEqual(expect.objectContaining({ name: 'site', added: true, containersReplaced: 0 }));
    expect(site.summary).toBe(`site: new environment, ${site.containersCreated} containers created on 1 server`);
    expect(markdown).toContain('**Verdict:** new environment `site`: every container is created');
  });
});

describeWithPrograms('npm run impact with certificate files git does not hold', { git: 'git', openssl: 'openssl' }, () => {
  let sandbox: GitSandbox;
  beforeEach(() => {
    sandbox = gitSandbox();
  });
  afterEach(() => sandbox.remove());
  const impact = (env: Record<string, string>) => runImpact(sandbox, env);

  test('git-ignored provided files, chain listed out of issuing order: no phantom restart, and the report names the inputs it could not compare', () => {
    // The operator's files, present in the working tree only (environments/*/*.crt and *.key are git-ignored).
    const pki = makePki(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-impact-pki-')));
    const leaf = makeLeaf(pki, 'xivoxc', { names: ['cc.corp.example.com'] });
    const certs = path.join(sandbox.dir, 'environments', 'provided-certs');
    // Names whose sorted order is not the issuing order: a base without the files would render them differently.
    fs.copyFileSync(pki.rootCert, path.join(certs, 'a-root.crt'));
    fs.copyFileSync(pki.intermediateCert, path.join(certs, 'b-intermediate.crt'));
    fs.copyFileSync(leaf.cert, path.join(certs, 'xivoxc.crt'));
    fs.copyFileSync(leaf.key, path.join(certs, 'xivoxc.key'));
    sandbox.replaceIn(
      'environments/provided-certs.yaml',
      'chainFiles: [provided-certs/intermediate.crt, provided-certs/root.crt]',
      'chainFiles: [provided-certs/a-root.crt, provided-certs/b-intermediate.crt]',
    );
    sandbox.commit("corp: the CA's files");
    // The change under review touches nothing the certificates depend on.
    sandbox.replaceIn('environments/provided-certs.yaml', 'name: corp\n', 'name: corp   # Corp Ltd, head office\n');
    sandbox.commit('corp: a comment');

    const { status, report, markdown } = impact({ XIVO_ENV_FILES: 'environments/provided-certs.yaml' });

    expect(report.environments.map((e) => e.summary)).toEqual(['corp: no change']);
    expect(status).toBe(0);
    const standIn = "not in HEAD~1 (git-ignored or untracked): the working tree's file stood in for it at the base, so a change to it is not shown";
    expect(report.notCompared).toEqual(
      ['a-root.crt', 'b-intermediate.crt', 'xivoxc.crt', 'xivoxc.key'].map((f) => ({ file: `environments/provided-certs/${f}`, why: standIn })),
    );
    expect(markdown).toContain(`### Inputs not compared\n\n- \`environments/provided-certs/a-root.crt\`: ${standIn}\n`);
  });
});
