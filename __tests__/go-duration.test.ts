import { goDuration } from '../constructs/go-duration';

test.each([
  ['30s', '30s'], ['10s', '10s'], ['60s', '1m0s'], ['90s', '1m30s'], ['5m', '5m0s'], ['2h', '2h0m0s'], ['3661s', '1h1m1s'], ['0s', '0s'],
])('%s is written %s, as Go prints a time.Duration', (input, expected) => {
  expect(goDuration(input)).toBe(expected);
});

test('a duration that is not a whole number of s, m or h is refused', () => {
  expect(() => goDuration('1.5m')).toThrow('duration "1.5m" must be a whole number of s, m or h (e.g. "30s", "5m")');
});
