/**
 * What the YAML parser would silently change: unknown tags (`!env`, `!!js/function`) become
 * plain strings, `__proto__` keys vanish from the parsed object. Both are refused at the key.
 */
import { Document, isAlias, isMap, isPair, isScalar, isSeq, Node } from 'yaml';
import { KeyPath } from './errors';

/** Tags of the YAML 1.2 core schema: the only ones an environment file may spell out (e.g. `!!str 5`). */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));
/** Keys JavaScript objects treat specially. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface NodeProblem {
  readonly path: KeyPath;
  /** Offset of the offending node, for its line and column. */
  readonly offset?: number;
  readonly message: string;
}

export const HYGIENE_MESSAGES = {
  tag: (tag: string) =>
    `the YAML tag "${tag}" is not supported (it would be read as a plain string): remove it and write the value itself, quoted if needed`,
  reservedKey: (key: string) => `"${key}" is not an accepted key (JavaScript drops or misreads it): remove it`,
  aliases: 'uses too many YAML aliases (*name), as a "billion laughs" file does: write the values out, or reference each anchor only a few times',
  duplicateKey: (firstLine: number, line: number) =>
    `is given twice, on lines ${firstLine} and ${line}: YAML keeps only one of the two values, silently; remove one (or merge them)`,
} as const;

export interface DuplicateKey {
  readonly path: KeyPath;
  /** Offsets of the first and of the repeated key. */
  readonly firstOffset: number;
  readonly offset: number;
}

/** Keys given twice in one mapping, anywhere in the document (the repeated one, and where the first is). */
export function duplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const visit = (node: unknown, path: KeyPath) => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        const offset = (pair.key as Node | null)?.range?.[0];
        if (key !== undefined && offset !== undefined) {
          const first = seen.get(key);
          if (first !== undefined) found.push({ path: [...path, key], firstOffset: first, offset });
          else seen.set(key, offset);
        }
        visit(pair.value, key === undefined ? path : [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(doc.contents, []);
  return found;
}

/** Unknown tags and reserved keys anywhere in the document. */
export function yamlHygieneProblems(doc: Document): NodeProblem[] {
  const problems: NodeProblem[] = [];
  const visit = (node: unknown, path: KeyPath) => {
    if (!node || isAlias(node)) return;
    const tag = (node as Node).tag;
    if (tag && !CORE_TAGS.has(tag))
      problems.push({ path, offset: (node as Node).range?.[0], message: HYGIENE_MESSAGES.tag(tag.replace(/^tag:yaml.org,2002:/, '!!')) });
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined && RESERVED_KEYS.has(key)) {
          problems.push({ path: [...path, key], offset: (pair.key as Node).range?.[0], message: HYGIENE_MESSAGES.reservedKey(key) });
          continue;
        }
        visit(pair.key, path);
        visit(pair.value, key === undefined ? path : [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(doc.contents, []);
  return problems;
}
