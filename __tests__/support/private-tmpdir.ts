/**
 * Every test file gets its own temporary directory, removed after the file's tests.
 *
 * Why: cdktf's Testing.app() and Testing.synth() make a `cdktf.outdir.*` directory in
 * os.tmpdir() per call and never remove it (about 400 per `npm test`). os.tmpdir() reads TMPDIR
 * from the real process.env, which a test's process.env (jest's copy) does not reach: os.tmpdir
 * itself is pointed here for the file's lifetime, and TMPDIR for the processes the tests start.
 */
import * as fs from 'fs';
import * as path from 'path';

// The module object itself: `import * as os` gives a copy (the transform's wildcard interop).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const os: typeof import('os') = require('os');
const previous = process.env.TMPDIR;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-jest-'));
const tmpdir = jest.spyOn(os, 'tmpdir').mockReturnValue(dir);
process.env.TMPDIR = dir;

afterAll(() => {
  tmpdir.mockRestore();
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  fs.rmSync(dir, { recursive: true, force: true });
});
