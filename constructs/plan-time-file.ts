/**
 * A file read by Terraform at plan time (`file()` / `filebase64()`), never at synth: its
 * content stays out of `cdktf.out` and snapshots. The path is written relative to the
 * stack's directory, so the output does not depend on where the checkout lives.
 */
import * as path from 'path';
import { IConstruct } from 'constructs';
import { Fn, TerraformStack } from 'cdktf';

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

  /** The content as base64 (binary files such as keytabs): `${filebase64("...")}`. */
  base64(scope: IConstruct): string {
    return Fn.filebase64(this.pathFrom(scope));
  }
}
