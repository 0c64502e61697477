/**
 * `e2e-report.json` is written by several e2e files: each gives its own section (a top-level key),
 * merged into the report of this run. A report left by an earlier run is replaced, never mixed in.
 * The e2e project's globalTeardown (report-teardown.ts) merges the sections once more after every
 * file ran, so a file that writes the whole report later (deploy.test.ts) cannot drop them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO, WORK } from './harness';

export const REPORT_FILE = path.join(REPO, 'e2e-report.json');
const SECTIONS = path.join(WORK, 'report-sections');
/** When this Jest process started: files older than that are from an earlier run. */
const RUN_STARTED_MS = Date.now() - process.uptime() * 1000;

const fromThisRun = (file: string) => fs.existsSync(file) && fs.statSync(file).mtimeMs >= RUN_STARTED_MS;

/** Records `value` under `key` of e2e-report.json (and as a section for the final merge). */
export function writeReportSection(key: string, value: unknown): void {
  fs.mkdirSync(SECTIONS, { recursive: true });
  fs.writeFileSync(path.join(SECTIONS, `${key}.json`), `${JSON.stringify(value)}\n`);
  mergeReportSections();
}

/** Puts every section written during this run into e2e-report.json, keeping the rest of it. */
export function mergeReportSections(): void {
  if (!fs.existsSync(SECTIONS)) return;
  const sections = fs.readdirSync(SECTIONS).filter((f) => f.endsWith('.json') && fromThisRun(path.join(SECTIONS, f)));
  if (sections.length === 0) return;
  const report = fromThisRun(REPORT_FILE) ? JSON.parse(fs.readFileSync(REPORT_FILE, 'utf8')) : {};
  for (const file of sections) report[file.slice(0, -'.json'.length)] = JSON.parse(fs.readFileSync(path.join(SECTIONS, file), 'utf8'));
  fs.writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
}
