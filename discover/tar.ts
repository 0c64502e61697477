/**
 * Reads the one file of a tar stream, as the Docker API's archive endpoint returns it
 * (`GET /containers/{id}/archive?path=<file>`): ustar headers of 512 bytes, PAX and GNU
 * long-name headers skipped.
 */

const BLOCK = 512;

/** The content of the first regular file of `archive`; undefined when it holds none. */
export function firstFileOfTar(archive: Buffer): Buffer | undefined {
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return undefined;
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const start = at + BLOCK;
    if (type === '0' || type === '\0') return archive.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}
