/**
 * Conformance tests run the real program that reads our output (nginx, Java with Typesafe
 * Config, MIT Kerberos, OpenLDAP, openssl...). In CI (CI=true) a missing program fails the
 * suite; on a laptop without it the tests are skipped with the Debian package to install.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export function hasProgram(program: string): boolean {
  if (program.startsWith('/')) return fs.existsSync(program);
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
    return true;
  } catch {
    return false;
  }
}

/**
 * Requirement of the programs that are not Debian packages: Terraform is a HashiCorp release
 * binary (not in Debian's archive), already installed on our machines and CI runners.
 */
export const TERRAFORM = 'terraform binary (releases.hashicorp.com, not a Debian package; see README)';

/**
 * `describe` when every program (name on PATH, or absolute path) is installed. Otherwise, on a
 * laptop, one skipped test whose name says what to install (the body is not even run, so that
 * nothing it prepares needs the program); in CI (CI=true), one failing test saying the same.
 */
export function describeWithPrograms(title: string, requirements: Record<string, string>, body: () => void): void {
  const missing = Object.entries(requirements).filter(([program]) => !hasProgram(program));
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const wanted = [...new Set(missing.map(([, pkg]) => pkg))];
  const packages = wanted.filter((pkg) => !pkg.includes(' '));
  const install = [packages.length ? `apt-get install ${packages.join(' ')}` : '', ...wanted.filter((pkg) => pkg.includes(' '))]
    .filter(Boolean)
    .join('; ');
  // A file required by its path is named by its file name (the path is in the package hint).
  const what = missing.map(([p]) => (p.startsWith('/') ? path.basename(p) : p)).join(', ');
  if (process.env.CI === 'true') {
    describe(title, () => {
      test(`requires ${what}`, () => {
        throw new Error(`${what} not installed: CI must install it (${install}); .ci/run does`);
      });
    });
  } else {
    console.warn(`Skipping "${title}": ${what} not installed (${install})`);
    describe(title, () => {
      test.skip(`skipped: ${what} not installed (${install})`, () => undefined);
    });
  }
}
