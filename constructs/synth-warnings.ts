/**
 * Warnings about what a construct renders at synth (a route to a loopback address, a data store
 * published on the edge): they depend on the whole platform, known only once every construct is
 * built, so they are added when the stack is synthesized, once, by an aspect (the constructs
 * library's own time for it: cdktf invokes aspects before it collects the annotations).
 */
import { IConstruct } from 'constructs';
import { Annotations, Aspects } from './terraform-cdk';

/** Adds the warnings `produce` gives to `scope`, once, when its stack is synthesized. */
export function warnAtSynth(scope: IConstruct, produce: () => readonly string[]): void {
  let done = false;
  Aspects.of(scope).add({
    visit(node: IConstruct) {
      if (node !== scope || done) return;
      done = true;
      for (const warning of produce()) Annotations.of(scope).addWarning(warning);
    },
  });
}
