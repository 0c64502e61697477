/**
 * Issue 9, finding 1: every string of an environment file is a Terraform literal. The real
 * terraform renders each synthesized string (provider-less configuration, as at plan time)
 * and gets back exactly the value as written: no file read, no variable, no directive.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildLiteralCases } from '../hostile/literal-cases';
import { build } from '../support/auth-stack';
import { baseline, tempDir } from '../support/environments';
import { describeWithPrograms, TERRAFORM } from '../support/programs';
import { renderTemplates } from '../support/terraform-render';

describeWithPrograms('hostile values are rendered literally by terraform', { terraform: TERRAFORM }, () => {
  const cases = buildLiteralCases();
  // The variables a hostile value names exist, so that a live reference would render their value instead of failing.
  const rendered = renderTemplates(
    cases.map((c) => c.synthesized),
    { play_auth_token: 'THE-SHARED-TOKEN-MUST-NOT-APPEAR-0123456789' },
  );

  test.each(cases.map((c, i) => [c.field, c.value, i] as const))('%s = %j', (_field, _value, i) => {
    expect(rendered[i]).toBe(cases[i].expected);
  });

  test('no rendering holds the token or a file of the planning machine', () => {
    expect(rendered.filter((r) => r.includes('THE-SHARED-TOKEN') || r.includes('root:x:0:0'))).toEqual([]);
  });

  test('backend settings are kept as written: terraform does not evaluate templates there', () => {
    // The local state directory of the file holds template sequences; Terraform must write the state exactly there.
    const env = baseline();
    env.backend = { type: 'local', directory: 'state-${path.module}%{x}' };
    const built = build(env);
    const backend = built.json(built.stacks[0].node.findAll().find((c) => c.node.id === 'network')!).terraform.backend.local;
    // The path is relative to the stack's directory, cdktf.out/stacks/<stack>: made absolute here so that terraform may run anywhere.
    const statePath = path.resolve('cdktf.out', 'stacks', 'test-pbx', backend.path);
    const expected = path.join(tempDir(), 'state-${path.module}%{x}', 'test-pbx.tfstate');
    expect(statePath).toBe(expected);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-backend-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'main.tf.json'),
        JSON.stringify({ terraform: { backend: { local: { path: statePath } } }, output: { ok: { value: 'ok' } } }),
      );
      const run = (...args: string[]) =>
        execFileSync('terraform', args, { cwd: dir, env: { ...process.env, CHECKPOINT_DISABLE: '1' }, stdio: 'pipe' });
      run('init', '-input=false', '-no-color');
      run('apply', '-auto-approve', '-input=false', '-no-color');
      expect(fs.existsSync(expected)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
