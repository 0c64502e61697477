/**
 * XiVO's LTS releases, by name and version (XiVO's install script, 2025.05 "Orion" edition:
 * verified), and the host prerequisites per release (Debian 11 from 2022.04,
 * Debian 12 from 2024.05; overlay2; XFS with ftype=1, verified). The environment file names its
 * release by either; an unknown one is refused with this list.
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

/** `Five (2017.03), Polaris (2017.11), …` for error messages and docs. */
export function releaseList(): string {
  return XIVO_RELEASES.map((r) => `${r.name} (${r.version})`).join(', ');
}

/** Debian release a XiVO release installs on: 12 from 2024.05, 11 from 2022.04; unknown before. */
export function debianFor(release: XivoRelease): number | undefined {
  if (release.version >= '2024.05') return 12;
  if (release.version >= '2022.04') return 11;
  return undefined;
}

/** Docker storage driver XiVO's hosts use. */
export const DOCKER_STORAGE_DRIVER = 'overlay2';
