/**
 * XiVO's LTS releases, by name and version (XiVO's install script, 2025.05 "Orion" edition:
 * verified), and the host prerequisites per release (Debian 11 from 2022.04,
 * Debian 12 from 2024.05; overlay2; XFS with ftype=1, verified). The environment file names its
 * release by either; an unknown one is refused with this list, except a `YYYY.NN` version newer
 * than the newest one listed (XiVO publishes releases before this list knows their LTS name):
 * it is accepted, assuming what holds for the newest known release (see `resolveRelease`).
 */

export interface XivoRelease {
  /** LTS name, e.g. `Orion`. */
  readonly name: string;
  /** LTS version `YYYY.MM`, the first part of image tags. */
  readonly version: string;
}

export const XIVO_RELEASES: readonly XivoRelease[] = [
  ['Five', '2017.03'],
  ['Polaris', '2017.11'],
  ['Aldebaran', '2018.05'],
  ['Borealis', '2018.16'],
  ['Callisto', '2019.05'],
  ['Deneb', '2019.12'],
  ['Electra', '2020.07'],
  ['Freya', '2020.18'],
  ['Gaia', '2021.07'],
  ['Helios', '2021.15'],
  ['Izar', '2022.05'],
  ['Jabbah', '2022.10'],
  ['Kuma', '2023.05'],
  ['Luna', '2023.10'],
  ['Maia', '2024.05'],
  ['Naos', '2024.10'],
  ['Orion', '2025.05'],
].map(([name, version]) => ({ name, version }));

/** The release named by `nameOrVersion` (`Orion`, `orion` or `2025.05`), if XiVO has it. */
export function findRelease(nameOrVersion: string): XivoRelease | undefined {
  const wanted = nameOrVersion.trim().toLowerCase();
  return XIVO_RELEASES.find((r) => r.version === wanted || r.name.toLowerCase() === wanted);
}

/** The newest LTS this catalogue knows (the last of XIVO_RELEASES). */
export const NEWEST_RELEASE: XivoRelease = XIVO_RELEASES[XIVO_RELEASES.length - 1];

/** A release as an environment file names it, once recognised. */
export interface ResolvedRelease {
  /** The release: a known LTS, or for a newer version one named by its version. */
  readonly release: XivoRelease;
  /**
   * Set when the version is newer than every LTS listed: the release whose facts (image tag
   * rule, Debian version) are assumed for it. @default undefined: a known LTS
   */
  readonly assumedFrom?: XivoRelease;
}

/** XiVO's version form, `YYYY.NN` (LTS numbers are not always months: 2018.16, 2021.15). */
const VERSION = /^\d{4}\.\d{2}$/;

/**
 * A known LTS by name or version, or a `YYYY.NN` version newer than NEWEST_RELEASE (accepted
 * with the newest release's facts assumed); undefined otherwise (older unknown versions, names).
 */
export function resolveRelease(nameOrVersion: string): ResolvedRelease | undefined {
  const known = findRelease(nameOrVersion);
  if (known) return { release: known };
  const version = nameOrVersion.trim();
  if (VERSION.test(version) && version > NEWEST_RELEASE.version) return { release: { name: version, version }, assumedFrom: NEWEST_RELEASE };
  return undefined;
}

/** The warning of a release newer than the catalogue: it names what is assumed and where to check it. */
export function assumedReleaseWarning(resolved: ResolvedRelease, dist: string): string | undefined {
  const from = resolved.assumedFrom;
  if (!from) return undefined;
  const { version } = resolved.release;
  return (
    `release "${version}" is newer than the newest XiVO LTS this catalogue knows, ${from.name} (${from.version}): ` +
    `assuming, as for ${from.name}, that its images are tagged <release>.<dist> (${version}.${dist}) and that it runs on Debian ${debianFor(from) ?? 'unknown'}; ` +
    `check both against XiVO's release notes and add the release to catalogue/releases.ts`
  );
}

/** `Orion (2025.05)`, or the version alone for a release newer than the list (it has no known name yet). */
export function describeRelease(release: XivoRelease): string {
  return release.name === release.version ? release.version : `${release.name} (${release.version})`;
}

/** `Five (2017.03), Polaris (2017.11), …` for error messages and docs. */
export function releaseList(): string {
  return XIVO_RELEASES.map((r) => `${r.name} (${r.version})`).join(', ');
}

/** Debian release a XiVO release installs on: 12 from 2024.05, 11 from 2022.04; unknown before. */
export function debianFor(release: XivoRelease): number | undefined {
  // A release newer than the list: as the newest known one (resolveRelease's assumption).
  if (release.version > NEWEST_RELEASE.version) return debianFor(NEWEST_RELEASE);
  if (release.version >= '2024.05') return 12;
  if (release.version >= '2022.04') return 11;
  return undefined;
}

/** Docker storage driver XiVO's hosts use. */
export const DOCKER_STORAGE_DRIVER = 'overlay2';
