/**
 * The files an environment file names (paths as written, relative to it): every value of the
 * environment schema that is a `filePath`, found by walking the schema along the parsed YAML, so
 * a file field added to the schema is an input of the synth cache and of the impact report
 * without a list to keep. Read whether the file is valid or not: the impact report uses it on a
 * base commit's files too.
 */
import type { z } from 'zod';
import { isPlainFilePath } from './input-files';
import { environmentSchema } from './schema';

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypeDef & Record<string, unknown>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string schema carrying filePath's refinement (kept by .describe() and .optional(), which copy the checks). */
const isFilePathSchema = (def: Def) =>
  def.type === 'string' && (def.checks ?? []).some((c) => (c._zod.def as unknown as { fn?: unknown }).fn === isPlainFilePath);

function collect(schema: Schema, value: unknown, found: Set<string>): void {
  if (value === undefined || value === null) return;
  const def = schema._zod.def as Def;
  switch (def.type) {
    case 'string':
      if (typeof value === 'string' && value.length > 0 && isFilePathSchema(def)) found.add(value);
      return;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return collect(def.innerType as Schema, value, found);
    case 'pipe':
      return collect(def.in as Schema, value, found);
    case 'lazy':
      return collect((def.getter as () => Schema)(), value, found);
    case 'object':
      if (isRecord(value)) for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) collect(field, value[key], found);
      return;
    case 'array':
      if (Array.isArray(value)) for (const item of value) collect(def.element as Schema, item, found);
      return;
    case 'record':
      if (isRecord(value)) for (const item of Object.values(value)) collect(def.valueType as Schema, item, found);
      return;
    case 'union':
      for (const option of def.options as Schema[]) collect(option, value, found);
      return;
    case 'intersection':
      collect(def.left as Schema, value, found);
      return collect(def.right as Schema, value, found);
    default:
      return;
  }
}

/** The files an environment file names, sorted, read from its parsed YAML (valid or not). */
export function namedInputFiles(spec: unknown): string[] {
  const found = new Set<string>();
  collect(environmentSchema, spec, found);
  return [...found].sort();
}
