/**
 * Hostile and careless environment files (issue 9): each is refused before anything is
 * written, with every issue exact. Cases without a position in the table are compared on
 * `key: message` and must carry a line and column; the snapshot holds every located line.
 */
import { baseline, issuesOf, tempDir } from '../support/environments';
import { makeHostileFiles, REFUSED_CASES, RefusedCase } from './refused-cases';

makeHostileFiles(tempDir());

const LOCATION = /^test\.yaml(:\d+:\d+)?: /;

function fileOf(c: RefusedCase): Record<string, any> | string {
  if (typeof c.file === 'string') return c.file;
  const env = baseline();
  c.file(env);
  return env;
}

describe.each([...new Set(REFUSED_CASES.map((c) => c.family))])('%s', (family) => {
  test.each(REFUSED_CASES.filter((c) => c.family === family).map((c) => [c.name, c] as const))('%s is refused', (_name, c) => {
    const issues = issuesOf(fileOf(c));
    const expected = c.refused.map((line, i) => (LOCATION.test(line) ? issues[i] : issues[i]?.replace(LOCATION, '')));
    expect(expected).toEqual(c.refused);
    // Every issue of a case written as a change of the baseline points at its line and column.
    if (typeof c.file !== 'string') for (const issue of issues) expect(issue).toMatch(/^test\.yaml:\d+:\d+: /);
    expect(issues).toMatchSnapshot();
  });
});

test('the suite holds at least 120 refused files', () => {
  expect(REFUSED_CASES.length).toBeGreaterThanOrEqual(120);
});

test('no issue quotes a long value whole: every line stays short, however long the input', () => {
  // The corpus holds values of 1,000 and 3,000 characters; the longest message (with its location and fix) is under 500.
  const longest = Math.max(...REFUSED_CASES.flatMap((c) => issuesOf(fileOf(c)).map((issue) => issue.length)));
  expect(longest).toBeLessThanOrEqual(500);
});
