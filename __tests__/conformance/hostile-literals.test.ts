/**
 * Issue 9, finding 1: every string of an environment file is a Terraform literal. The real
 * terraform renders each synthesized string (provider-less configuration, as at plan time)
 * and gets back exactly the value as written: no file read, no variable, no directive.
 */
import { buildLiteralCases } from '../hostile/literal-cases';
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
});
