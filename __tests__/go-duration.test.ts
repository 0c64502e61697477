/** Healthcheck durations as the Docker provider reads them back (else every plan shows a change). */
import { goDuration } from '../constructs/go-duration';

test.each([
  ['30s', '30s'],
  ['10s', '10s'],
  ['60s', '1m0s'],
  ['90s', '1m30s'],
  ['2m', '2m0s'],
  ['5m', '5m0s'],
  ['1h', '1h0m0s'],
  ['2h', '2h0m0s'],
  ['3661s', '1h1m1s'],
  ['1m30s', '1m30s'],
  ['0s', '0s'],
])('%s is written %s, as Go prints a time.Duration', (given, go) => {
  expect(goDuration(given)).toBe(go);
});

test('rejects what Go would not print', () => {
  expect(() => goDuration('1.5s')).toThrow('duration "1.5s" must be like 30s, 1m30s or 2h');
  expect(() => goDuration('')).toThrow('duration "" must be like 30s, 1m30s or 2h');
});
