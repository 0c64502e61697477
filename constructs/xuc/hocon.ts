/**
 * HOCON for `xuc.conf`, written as a Terraform template string.
 *
 * Every string is a quoted HOCON string, i.e. a JSON string, so no character of a value can
 * end it or start a substitution. Values are Terraform text, like every string of a cdktf
 * construct: values from an environment file arrive already escaped (`${` → `$${`, `%{` →
 * `%%{`, see config/literal.ts); secrets are inserted at plan time as `${jsonencode(var.x)}`,
 * which is a valid JSON (hence HOCON) string whatever the secret holds.
 */
import { Fn } from '../terraform-cdk';
import { UnscopedValidationError } from '../errors';

/** A string known only at plan time (a sensitive variable): rendered with `jsonencode`. */
export class HoconSecret {
  /** @param value the Terraform reference, e.g. `variable.stringValue` */
  constructor(readonly value: string) {}
}

export type HoconValue = string | number | boolean | HoconSecret | HoconObject;
export interface HoconObject {
  readonly [key: string]: HoconValue;
}

/** A HOCON quoted string for a value (Terraform text: its template sequences are kept). */
export function hoconString(value: string): string {
  return JSON.stringify(value);
}

const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;

function renderValue(value: HoconValue, indent: string): string {
  if (value instanceof HoconSecret) return Fn.jsonencode(value.value);
  if (typeof value === 'string') return hoconString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `{\n${renderObject(value, `${indent}  `)}${indent}}`;
}

function renderObject(object: HoconObject, indent: string): string {
  return Object.keys(object)
    .sort()
    .map((key) => {
      if (!KEY.test(key)) throw new UnscopedValidationError(`HOCON key "${key}" must be a plain identifier`);
      const value = object[key];
      const isObject = typeof value === 'object' && !(value instanceof HoconSecret);
      return `${indent}${key}${isObject ? ' ' : ' = '}${renderValue(value, indent)}\n`;
    })
    .join('');
}

/** `xuc.conf`: the image's own `application.conf`, then our overrides (keys sorted). */
export function renderXucConf(conf: HoconObject): string {
  return `# Written by xivo-cdktf: edit the environment file, not this file.\ninclude "application.conf"\n${renderObject(conf, '')}`;
}

/** Deep merge of HOCON trees; two leaves at one path are a programming error. */
export function mergeHocon(trees: readonly HoconObject[]): HoconObject {
  const out: Record<string, HoconValue> = {};
  for (const tree of trees) {
    for (const [key, value] of Object.entries(tree)) {
      const existing = out[key];
      const isObject = (v: HoconValue | undefined): v is HoconObject => typeof v === 'object' && !(v instanceof HoconSecret);
      if (existing === undefined) out[key] = value;
      else if (isObject(existing) && isObject(value)) out[key] = mergeHocon([existing, value]);
      else throw new UnscopedValidationError(`xuc.conf key "${key}" is set twice`);
    }
  }
  return out;
}
