/**
 * Writes the pictures and tables of each environment into `<outdir>/docs/<env>/` at synth:
 * `topology.dot` and `topology.svg` (rendered by Graphviz `dot`), `flows.md` and `flows.csv`.
 * The `dot` processes of all environments run in parallel, started by one shell.
 * Without Graphviz the DOT source is still written and a warning names the Debian package.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Environment } from '../config/model';
import { flowRows, flowsCsv, flowsMarkdown } from './flow-tables';
import { environmentFlows } from './flows';
import { topologyDot } from './topology-dot';

/** Directory of an environment's documents, relative to the output directory. */
export const estateDocsDir = (env: string) => path.join('docs', env);

/** @returns the paths written, relative to `outdir` */
export function writeEstateDocs(environments: readonly Environment[], outdir: string, onWarning: (w: string) => void = () => undefined): string[] {
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
  if (dotFiles.length === 0) return written;
  // One shell runs every dot in parallel (graphviz 2.43 crashes when given several files at once).
  const result = spawnSync('sh', ['-c', 'for f; do dot -Tsvg "$f" -o "${f%.dot}.svg" || echo "dot failed on $f" >&2 & done; wait', 'sh', ...dotFiles], { encoding: 'utf8' });
  const missing = dotFiles.map((f) => f.replace(/\.dot$/, '.svg')).filter((svg) => !fs.existsSync(svg) || fs.statSync(svg).size === 0);
  if (result.error || missing.length) {
    const why = /not found/.test(result.stderr) ? 'Graphviz dot is not installed (apt-get install graphviz)' : `dot failed: ${result.stderr.trim()}`;
    // One warning per environment, so that a synth of environments one by one (the cache) warns the same.
    for (const svg of missing) {
      fs.rmSync(svg, { force: true });
      onWarning(`${path.relative(outdir, path.dirname(svg))}: topology.svg not rendered, topology.dot written: ${why}`);
    }
    return written;
  }
  written.push(...dotFiles.map((f) => path.relative(outdir, f.replace(/\.dot$/, '.svg'))));
  return written;
}
