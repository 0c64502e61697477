/**
 * Docker durations in the form the Docker provider reads back from the engine: Go's
 * `time.Duration.String()` ("1m0s", not "60s"). Written any other way, a health check shows as
 * changed on every plan (found by the end-to-end suite's second plan).
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/** `'60s'` → `'1m0s'`, `'90s'` → `'1m30s'`, `'2h'` → `'2h0m0s'`, `'30s'` → `'30s'`. Whole seconds only. */
export function goDuration(duration: string): string {
  const match = /^(\d+)([smh])$/.exec(duration);
  if (!match) throw new Error(`duration "${duration}" must be a whole number of s, m or h (e.g. "30s", "5m")`);
  const total = Number(match[1]) * UNIT_SECONDS[match[2]];
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours) return `${hours}h${minutes}m${seconds}s`;
  if (minutes) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
