/** The output-directory guard: synth replaces only what it wrote, atomically (issue 9, item 9). */
import { spawnSync, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkOutputDirectory, OUTPUT_MARKER, outputDirectoryProblem, replaceOutputDirectory, stagingDirectory } from '../../stacks/output-directory';
import { baseline, writeEnvironment } from '../support/environments';

const tmp = () => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-outdir-')));
const write = (file: string, content = 'x') => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};

describe('which directories synth may replace', () => {
  test('the working directory and its ancestors are refused', () => {
    const cwd = path.join(tmp(), 'project');
    fs.mkdirSync(cwd);
    expect(outputDirectoryProblem(cwd, [], cwd)).toBe('it is the working directory');
    expect(outputDirectoryProblem(path.dirname(cwd), [], cwd)).toBe('it contains the working directory');
    expect(outputDirectoryProblem('/', [], cwd)).toBe('it contains the working directory');
  });

  test('a directory holding an environment file is refused, even when it carries the marker', () => {
    const root = tmp();
    const envFile = path.join(root, 'environments', 'prod.yaml');
    write(envFile);
    write(path.join(root, 'environments', OUTPUT_MARKER));
    expect(outputDirectoryProblem(path.join(root, 'environments'), [envFile], '/')).toBe(`it holds the environment file ${envFile}`);
    expect(outputDirectoryProblem(root, [envFile], '/')).toBe(`it holds the environment file ${envFile}`);
  });

  test('an existing directory without the marker is refused, with the full message', () => {
    const dir = path.join(tmp(), 'keys');
    write(path.join(dir, 'id_rsa'));
    expect(() => checkOutputDirectory(dir, [], '/')).toThrow(
      `output directory ${dir} (CDKTF_OUTDIR) refused: it exists and was not written by synth (no ${OUTPUT_MARKER} file in it). ` +
        'Synth replaces its output directory whole: point CDKTF_OUTDIR at a new directory, or at one written by synth (default cdktf.out); nothing was written',
    );
  });

  test('a regular file is refused', () => {
    const file = path.join(tmp(), 'out');
    write(file);
    expect(outputDirectoryProblem(file, [], '/')).toBe('it is not a directory');
  });

  test('a new, an empty, a marked and an earlier synth output directory are accepted', () => {
    const root = tmp();
    expect(outputDirectoryProblem(path.join(root, 'new'), [], '/')).toBeUndefined();
    fs.mkdirSync(path.join(root, 'empty'));
    expect(outputDirectoryProblem(path.join(root, 'empty'), [], '/')).toBeUndefined();
    write(path.join(root, 'marked', OUTPUT_MARKER));
    write(path.join(root, 'marked', 'anything'));
    expect(outputDirectoryProblem(path.join(root, 'marked'), [], '/')).toBeUndefined();
    write(path.join(root, 'legacy', 'manifest.json'));
    write(path.join(root, 'legacy', 'stacks', 'a', 'cdk.tf.json'));
    expect(outputDirectoryProblem(path.join(root, 'legacy'), [], '/')).toBeUndefined();
    // an earlier output with a foreign file in it is not
    write(path.join(root, 'legacy', 'notes.txt'));
    expect(outputDirectoryProblem(path.join(root, 'legacy'), [], '/')).toMatch(/was not written by synth/);
  });
});

describe('the swap', () => {
  test('marks the new output, replaces the old one, and leaves no sibling behind', () => {
    const root = tmp();
    const out = path.join(root, 'cdktf.out');
    write(path.join(out, OUTPUT_MARKER));
    write(path.join(out, 'old-file'));
    const staged = stagingDirectory(out);
    write(path.join(staged, 'new-file'));
    replaceOutputDirectory(staged, out);
    expect(fs.readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'new-file']);
    expect(fs.readdirSync(root)).toEqual(['cdktf.out']);
  });

  test('when the new output cannot be moved into place, the old one is put back whole', () => {
    const root = tmp();
    const out = path.join(root, 'cdktf.out');
    write(path.join(out, OUTPUT_MARKER));
    write(path.join(out, 'old-file'));
    // A directory cannot be renamed into itself: the second rename fails (EINVAL).
    expect(() => replaceOutputDirectory(root, out)).toThrow(/EINVAL/);
    expect(fs.readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'old-file']);
    expect(fs.readdirSync(root).filter((e) => e.includes('.old-'))).toEqual([]);
    expect(stagingDirectory(out)).toMatch(/cdktf\.out\.partial-\w+$/);
  });
});

describe('synth (the command) with CDKTF_OUTDIR on the environments directory', () => {
  beforeAll(() => execFileSync('node', ['scripts/build.js']));

  test('exits 1 with the reason and deletes nothing', () => {
    const file = writeEnvironment(baseline(), 'guarded');
    const dir = path.dirname(file);
    write(path.join(dir, 'secret.key'), 'keep me');
    const before = fs.readdirSync(dir).sort();
    const result = spawnSync('node', ['dist/main.js'], { encoding: 'utf8', env: { ...process.env, XIVO_ENV_FILES: file, CDKTF_OUTDIR: dir } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `output directory ${dir} (CDKTF_OUTDIR) refused: it holds the environment file ${fs.realpathSync(file)}. Synth replaces its output directory whole: ` +
        'point CDKTF_OUTDIR at a new directory, or at one written by synth (default cdktf.out); nothing was written\n',
    );
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    expect(fs.readFileSync(path.join(dir, 'secret.key'), 'utf8')).toBe('keep me');
  });
});
