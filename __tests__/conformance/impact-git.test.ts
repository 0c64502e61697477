/**
 * `npm run impact -- --base HEAD~1` end to end, in a throwaway git repository holding this
 * checkout: a commit is made, both commits are synthesized by the real program (git worktree,
 * npm run synth), and the report and exit code are checked. The classification itself is
 * unit-tested in-process (__tests__/impact.test.ts).
 */
import { ImpactReport } from '../../impact/impact-report';
import { renderMarkdown } from '../../impact/markdown';
import { gitSandbox, GitSandbox } from '../support/git-sandbox';
import { describeWithPrograms } from '../support/programs';

jest.setTimeout(120_000);

// Only prod is synthesized: the other environments do not change and would only cost time.
const PROD_ONLY = { XIVO_ENV_FILES: 'environments/prod.yaml' };

describeWithPrograms('npm run impact on git commits', { git: 'git' }, () => {
  let sandbox: GitSandbox;
  beforeEach(() => {
    sandbox = gitSandbox();
  });
  afterEach(() => sandbox.remove());

  function impact(): { status: number | null; report: ImpactReport; markdown: string } {
    const run = sandbox.npm('impact', ['--base', 'HEAD~1', '--json'], PROD_ONLY);
    expect(run.stderr).not.toMatch(/impact:/);
    const report: ImpactReport = JSON.parse(run.stdout);
    // The Markdown printed without --json is rendered from the same data.
    return { status: run.status, report, markdown: renderMarkdown(report) };
  }

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
      expect.objectContaining({ stack: 'prod-cc-reporting', volume: 'xivocc-recording-server-recordings', action: 'destroy', preventDestroy: true, createdInStack: ['xivocc-recording-server-records'] }),
    ]);
    const prod = report.environments.find((e) => e.name === 'prod')!;
    expect(prod.summary).toBe('prod: 1 container replaced on 1 server (recording-server), 1 data volume at risk');
    expect(markdown.indexOf('Data loss risk')).toBeLessThan(markdown.indexOf('### prod'));
    expect(markdown).toContain('🔴 **prod-cc-reporting**: volume `xivocc-recording-server-recordings` would be destroyed');
    expect(markdown).toContain('`prevent_destroy` is set on it');
  });
});
