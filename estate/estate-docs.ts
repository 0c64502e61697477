/**
 * Writes the pictures and tables of each environment into `<outdir>/docs/<env>/` at synth:
 * `topology.dot` and `topology.svg`, `flows.md` and `flows.csv`.
 *
 * The SVG is drawn by Graphviz compiled to WebAssembly (`@viz-js/viz`, an npm dependency), so
 * synth needs no system program and the picture is the same bytes on every machine: the layout
 * runs in WebAssembly, and text is measured with Graphviz's built-in font metrics, never with the
 * fonts a machine happens to have. The renders run in a worker thread while cdktf resolves and
 * writes the stacks (synth is single-threaded: the worker uses the other core); `finish()` waits.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { Environment } from '../config/model';
import { flowRows, flowsCsv, flowsMarkdown } from './flow-tables';
import { environmentFlows } from './flows';
import { topologyDot } from './topology-dot';

/** Directory of an environment's documents, relative to the output directory. */
export const estateDocsDir = (env: string) => path.join('docs', env);

/** Longest wait for the renders before giving up with a warning. */
const RENDER_TIMEOUT_MS = 120_000;

/**
 * The worker: loads Graphviz (WebAssembly) once, renders each DOT file to the SVG next to it,
 * posts the errors, then raises the shared flag that `finish()` waits on. Plain CommonJS, so that
 * it runs the same from dist/ and under Jest.
 */
const RENDER_WORKER = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const { files, viz, port, flag } = workerData;
const errors = [];
(async () => {
  try {
    const graphviz = await require(viz).instance();
    for (const file of files) {
      const result = graphviz.render(fs.readFileSync(file, 'utf8'), { format: 'svg' });
      if (result.status === 'success') fs.writeFileSync(file.replace(/\\.dot$/, '.svg'), result.output);
      else errors.push({ file, message: result.errors.map((e) => e.message).join('; ') });
    }
  } catch (e) {
    errors.push({ message: String((e && e.message) || e) });
  }
  port.postMessage(errors);
  const signal = new Int32Array(flag);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
})();
`;

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

  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(RENDER_WORKER, {
    eval: true,
    workerData: { files: dotFiles, viz: require.resolve('@viz-js/viz'), port: port2, flag },
    transferList: [port2],
  });
  // The worker ends by itself; it never keeps the process alive.
  worker.unref();

  return {
    finish(onWarning = () => undefined) {
      // A synchronous wait: synth is synchronous, and the renders ran meanwhile.
      const rendered = Atomics.wait(new Int32Array(flag), 0, 0, RENDER_TIMEOUT_MS) !== 'timed-out';
      const errors = (rendered ? (receiveMessageOnPort(port1)?.message as { file?: string; message: string }[] | undefined) : undefined) ?? [];
      port1.close();
      if (!rendered) void worker.terminate();
      for (const file of dotFiles) {
        const svg = file.replace(/\.dot$/, '.svg');
        const error = errors.find((e) => e.file === file) ?? errors.find((e) => !e.file);
        if (rendered && !error && fs.existsSync(svg)) {
          written.push(path.relative(outdir, svg));
          continue;
        }
        // One warning per environment, so that a synth of environments one by one (the cache) warns the same.
        fs.rmSync(svg, { force: true });
        const why = rendered
          ? `Graphviz (WebAssembly) failed: ${error?.message ?? 'no SVG written'}`
          : `Graphviz (WebAssembly) did not finish in ${RENDER_TIMEOUT_MS / 1000} s`;
        onWarning(`${path.relative(outdir, path.dirname(svg))}: topology.svg not rendered, topology.dot written: ${why}`);
      }
      return written;
    },
  };
}
