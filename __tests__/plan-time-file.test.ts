/**
 * PlanTimeFile: files read by Terraform at plan time. Secrets (private keys, keytabs) are read
 * as sensitive values: Terraform does not mark what file() returns, and a plan that creates or
 * replaces the resource would print the key (found by the e2e suite in `cdktf deploy` output).
 */
import * as path from 'path';
import { TerraformOutput, TerraformStack, Testing } from '../constructs/terraform-cdk';
import { OUTDIR_CONTEXT, PlanTimeFile } from '../constructs/plan-time-file';

function rendered(read: (file: PlanTimeFile, stack: TerraformStack) => string): string {
  const app = Testing.app({ context: { [OUTDIR_CONTEXT]: '/work/out' } });
  const stack = new TerraformStack(app, 'prod-cc');
  new TerraformOutput(stack, 'value', { value: read(PlanTimeFile.fromFile('/work/env/files/xuc.keytab'), stack) });
  return JSON.parse(Testing.synth(stack)).output.value.value;
}

test('a file is read by Terraform at plan time, by its path relative to the stack directory', () => {
  expect(PlanTimeFile.fromFile('/work/env/files/xuc.keytab').absolutePath).toBe(path.resolve('/work/env/files/xuc.keytab'));
  expect(rendered((f, s) => f.text(s))).toBe('${file("../../../env/files/xuc.keytab")}');
  expect(rendered((f, s) => f.base64(s))).toBe('${filebase64("../../../env/files/xuc.keytab")}');
});

test('a secret is read as a sensitive value, so that plans print "(sensitive value)" instead of the key', () => {
  expect(rendered((f, s) => f.secretText(s))).toBe('${sensitive(file("../../../env/files/xuc.keytab"))}');
  expect(rendered((f, s) => f.secretBase64(s))).toBe('${sensitive(filebase64("../../../env/files/xuc.keytab"))}');
});
