/**
 * A file read by Terraform at plan time (`file()` / `filebase64()`), never at synth: its
 * content stays out of `cdktf.out` and snapshots. The path is written relative to the
 * stack's directory, so the output does not depend on where the checkout lives.
 *
 * Terraform does not mark what `file()` returns as sensitive: a construct reading a secret (a
 * private key, a keytab) asks for `secretText()` / `secretBase64()`, `sensitive(file(...))`, or
 * every plan that creates or replaces the resource (`cdktf diff` in a merge request pipeline,
 * `cdktf deploy`) prints the secret in its log.
 */
import * as path from 'path';
import { IConstruct } from 'constructs';
import { Fn, TerraformStack } from './terraform-cdk';

/** Context key holding the final output directory (the app may synthesize into a temporary one). */
export const OUTDIR_CONTEXT = 'xivo:outdir';

export class PlanTimeFile {
  /** A file on the machine running Terraform, given by an absolute path. */
  static fromFile(absolutePath: string): PlanTimeFile {
    return new PlanTimeFile(path.resolve(absolutePath));
  }

  private constructor(readonly absolutePath: string) {}

  /** Path as Terraform sees it from the stack's working directory (`cdktf.out/stacks/<stack>`). */
  pathFrom(scope: IConstruct): string {
    const stack = TerraformStack.of(scope);
    const outdir = path.resolve((scope.node.tryGetContext(OUTDIR_CONTEXT) as string | undefined) ?? 'cdktf.out');
    const stackDir = path.join(outdir, 'stacks', stack.node.id);
    return path.relative(stackDir, this.absolutePath).split(path.sep).join('/');
  }

  /** The content as text: `${file("...")}`. */
  text(scope: IConstruct): string {
    return Fn.file(this.pathFrom(scope));
  }

  /** The content as base64 (binary files): `${filebase64("...")}`. */
  base64(scope: IConstruct): string {
    return Fn.filebase64(this.pathFrom(scope));
  }

  /** A secret's content as text, a sensitive value (plans show `(sensitive value)`): `${sensitive(file("..."))}`. */
  secretText(scope: IConstruct): string {
    return Fn.sensitive(this.text(scope));
  }

  /** A secret binary file's content (a keytab) as base64, a sensitive value: `${sensitive(filebase64("..."))}`. */
  secretBase64(scope: IConstruct): string {
    return Fn.sensitive(this.base64(scope));
  }
}
