/**
 * Docker durations in the form the Docker provider reads back from the engine: Go's
 * `time.Duration.String()` ("1m0s", not "60s"). Written any other way, a health check shows as
 * changed on every plan (found by the end-to-end suite's second plan).
 */
import { UnscopedValidationError } from './errors';

/** `'60s'` → `'1m0s'`, `'90s'` → `'1m30s'`, `'2h'` → `'2h0m0s'`, `'1m30s'` → `'1m30s'`. Whole seconds only. */
export function goDuration(duration: string): string {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match || duration === '') throw new UnscopedValidationError(`duration "${duration}" must be like 30s, 1m30s or 2h`);
  const total = Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours) return `${hours}h${minutes}m${seconds}s`;
  if (minutes) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
