/** globalTeardown of the e2e project: the sections of every e2e file end up in e2e-report.json. */
import { mergeReportSections } from './report';

export default function mergeReportAfterAllFiles(): void {
  mergeReportSections();
}
