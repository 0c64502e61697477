/**
 * Input files the comparison cannot see at the base. An environment names files of its own
 * (provided certificates and keys, CA files, keytabs, Docker TLS files); private keys and
 * certificates are git-ignored, so a base worktree (a fresh checkout) lacks them while the
 * working tree has them. Synth renders such inputs differently when they are absent (a chain
 * is then not in issuing order), and the report would claim a restart that no deploy makes.
 *
 * The decision: a file that git does not hold at the base has no base version to compare; the
 * working tree's copy stands in for it at the base, so both sides render from the same file, and
 * the report lists it under "inputs not compared". A file present at the base but gone from the
 * working tree is listed too. Files outside the repository are the same file for both sides.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { expandEnvFiles } from '../config/env-files';
import { namedInputFiles } from '../config/named-files';

/** An input file the report could not compare, and why. */
export interface InputNotCompared {
  /** Path relative to the repository root. */
  readonly file: string;
  readonly why: string;
}

/** Files named by the environment files of one tree, relative to that tree's root (outside it: left out). */
function namedFiles(root: string, patterns: string): string[] {
  const found: string[] = [];
  for (const file of expandEnvFiles(patterns, root).files) {
    let spec: unknown;
    try {
      spec = parse(fs.readFileSync(path.join(root, file), 'utf8'));
    } catch {
      continue; // a broken file: its synth says so
    }
    for (const named of namedInputFiles(spec)) {
      const relative = path.relative(root, path.resolve(root, path.dirname(file), named));
      if (!relative.startsWith('..') && !path.isAbsolute(relative)) found.push(relative);
    }
  }
  return found;
}

/**
 * Places, in the base worktree `tree`, a copy of every input file the environments of either
 * side name that the base lacks and the working tree (`root`) has; returns what the report says.
 */
export function placeStandIns(root: string, tree: string, patterns: string, ref: string): InputNotCompared[] {
  const files = [...new Set([...namedFiles(root, patterns), ...namedFiles(tree, patterns)])].sort();
  const report: InputNotCompared[] = [];
  for (const file of files) {
    const here = path.join(root, file);
    const there = path.join(tree, file);
    const inWorkingTree = fs.statSync(here, { throwIfNoEntry: false })?.isFile() ?? false;
    const atBase = fs.existsSync(there);
    if (inWorkingTree && !atBase) {
      fs.mkdirSync(path.dirname(there), { recursive: true });
      fs.copyFileSync(here, there);
      report.push({
        file,
        why: `not in ${ref} (git-ignored or untracked): the working tree's file stood in for it at the base, so a change to it is not shown`,
      });
    } else if (!inWorkingTree && atBase) {
      report.push({ file, why: `in ${ref} but not in the working tree: Terraform will read it at plan time, and synth could not check it` });
    }
  }
  return report;
}
