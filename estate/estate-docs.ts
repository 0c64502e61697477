/**
 * Writes the pictures and tables of each environment into `<outdir>/docs/<env>/` at synth:
 * `topology.dot` and `topology.svg` (rendered by Graphviz `dot`), `flows.md` and `flows.csv`.
 *
 * `dot` runs in the background, one process per environment, while cdktf resolves and writes
 * the stacks (synth is single-threaded: the renders use the other core); `finish()` waits for
 * them. Without Graphviz the DOT source is still written and a warning names the Debian package.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Environment } from '../config/model';
import { flowRows, flowsCsv, flowsMarkdown } from './flow-tables';
import { environmentFlows } from './flows';
import { topologyDot } from './topology-dot';

/** Directory of an environment's documents, relative to the output directory. */
export const estateDocsDir = (env: string) => path.join('docs', env);

/** Longest wait for the renders before giving up with a warning. */
const RENDER_TIMEOUT_MS = 120_000;

/** Renders every DOT file to SVG next to it; the shell writes `done` once every `dot` has exited. */
const RENDER_SCRIPT = 'done="$1"; errors="$2"; shift 2; for f; do dot -Tsvg "$f" -o "${f%.dot}.svg" 2>>"$errors" & done; wait; : > "$done"';

export interface EstateDocs {
  /**
   * Waits for the SVG renders; warns (one warning per environment) for each that failed.
   * @returns the paths written, relative to the output directory
   */
  finish(onWarning?: (warning: string) => void): string[];
}

/** Writes the DOT sources and tables, and starts rendering the SVGs. */
export function startEstateDocs(environments: readonly Environment[], outdir: string): EstateDocs {
  const written: string[] = [];
  const dotFiles: string[] = [];
  for (const env of environments) {
    const dir = path.join(outdir, estateDocsDir(env.name));
    fs.mkdirSync(dir, { recursive: true });
    const flows = environmentFlows(env);
    const rows = flowRows(flows);
    const files: Record<string, string> = {
      'topology.dot': topologyDot(env, flows),
      'flows.md': flowsMarkdown(env, rows),
      'flows.csv': flowsCsv(rows),
    };
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), content);
      written.push(path.join(estateDocsDir(env.name), name));
    }
    dotFiles.push(path.join(dir, 'topology.dot'));
  }
  if (dotFiles.length === 0) return { finish: () => written };

  // Markers live outside the output directory (and survive nothing but a crash, in the temp dir).
  const marker = path.join(os.tmpdir(), `xivo-render-${process.pid}-${Date.now()}`);
  const done = `${marker}.done`;
  const errors = `${marker}.errors`;
  fs.rmSync(done, { force: true });
  fs.writeFileSync(errors, '');
  const child = spawn('sh', ['-c', RENDER_SCRIPT, 'sh', done, errors, ...dotFiles], { stdio: 'ignore', env: process.env });
  child.unref();

  return {
    finish(onWarning = () => undefined) {
      // A synchronous wait: synth is synchronous, and the renders ran meanwhile.
      const sleeper = new Int32Array(new SharedArrayBuffer(4));
      const deadline = Date.now() + RENDER_TIMEOUT_MS;
      while (!fs.existsSync(done) && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
      const stderr = fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8').trim() : '';
      fs.rmSync(done, { force: true });
      fs.rmSync(errors, { force: true });
      const why = /not found/.test(stderr) ? 'Graphviz dot is not installed (apt-get install graphviz)' : fs.existsSync(done) ? `dot failed: ${stderr}` : `dot failed or timed out: ${stderr}`;
      for (const file of dotFiles) {
        const svg = file.replace(/\.dot$/, '.svg');
        if (fs.existsSync(svg) && fs.statSync(svg).size > 0) {
          written.push(path.relative(outdir, svg));
          continue;
        }
        // One warning per environment, so that a synth of environments one by one (the cache) warns the same.
        fs.rmSync(svg, { force: true });
        onWarning(`${path.relative(outdir, path.dirname(svg))}: topology.svg not rendered, topology.dot written: ${why}`);
      }
      return written;
    },
  };
}
