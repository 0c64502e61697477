/**
 * Careless XIVO_ENV_FILES (issue 9, findings 10 and 14): what is not an environment file is
 * refused with its name, at once (a FIFO never blocks synth, /dev/zero is never read), and a
 * duplicate environment name points at its line.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, formatIssue } from '../../config/errors';
import { loadEnvironments } from '../../config/loader';
import { baseline, tempDir, writeEnvironment } from '../support/environments';

// readFileSync passes through, except where a test makes it fail as it does for another user (root reads through chmod 000).
jest.mock('fs', () => {
  const real = jest.requireActual<typeof import('fs')>('fs');
  return { ...real, readFileSync: jest.fn(real.readFileSync) };
});

function issuesOfFiles(patterns: string): string[] {
  try {
    loadEnvironments(patterns);
  } catch (e) {
    return (e as ConfigError).issues.map((i) => formatIssue(i).replace(tempDir() + path.sep, ''));
  }
  return [];
}

test('a duplicate environment name points at the line of its name', () => {
  const one = writeEnvironment(baseline(), 'one');
  const two = writeEnvironment(`# the same environment again\n${fs.readFileSync(one, 'utf8')}`, 'two');
  expect(issuesOfFiles(`${one},${two}`)).toEqual([
    `two.yaml:2:1: name: environment "test" is already defined in ${one}: environment names must be unique`,
  ]);
});

test('a directory', () => {
  fs.mkdirSync(path.join(tempDir(), 'envs.yaml'), { recursive: true });
  expect(issuesOfFiles(path.join(tempDir(), 'envs.yaml'))).toEqual([
    'envs.yaml: (top level): is a directory: XIVO_ENV_FILES names environment files, e.g. "environments/*.yaml"',
  ]);
});

test('a FIFO is refused at once, without reading it', () => {
  const fifo = path.join(tempDir(), 'pipe.yaml');
  if (!fs.existsSync(fifo)) execFileSync('mkfifo', [fifo]);
  expect(issuesOfFiles(fifo)).toEqual(['pipe.yaml: (top level): is not a regular file (a FIFO or a device): XIVO_ENV_FILES names environment files']);
});

test('an unreadable file is a located error, never a raw EACCES', () => {
  const file = writeEnvironment(baseline(), 'locked');
  const real = jest.requireActual<typeof import('fs')>('fs');
  const mocked = jest.mocked(fs.readFileSync);
  mocked.mockImplementation(((p: fs.PathOrFileDescriptor, o?: unknown) => {
    if (p === file) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
    return real.readFileSync(p, o as BufferEncoding);
  }) as typeof fs.readFileSync);
  try {
    expect(issuesOfFiles(file)).toEqual([
      'locked.yaml: (top level): cannot be read: permission denied: give the user that runs synth read access to it (or run synth as its owner)',
    ]);
  } finally {
    mocked.mockImplementation(real.readFileSync as typeof fs.readFileSync);
  }
});

test('/dev/zero is refused without reading it', () => {
  expect(issuesOfFiles('/dev/zero')).toEqual([
    '/dev/zero: (top level): is not a regular file (a FIFO or a device): XIVO_ENV_FILES names environment files',
  ]);
});

test('a file over 1 MiB', () => {
  const big = writeEnvironment(`name: big\n#${'x'.repeat(1024 * 1024)}\n`, 'big');
  expect(issuesOfFiles(big)).toEqual(['big.yaml: (top level): is 1048588 bytes, more than 1024 KiB: this is not an environment file']);
});
