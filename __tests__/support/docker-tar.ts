/**
 * A minimal ustar writer: regular files only, uid/gid 0, mtime 0. It is what Go's
 * archive/tar writes for the `tar.Header{Name, Mode, Size}` that the Docker provider builds
 * for an `upload`, and enough for a `docker build` context.
 */

export interface TarEntry {
  /** Path inside the archive, kept as given (the provider keeps the leading `/`). */
  readonly name: string;
  /** Permission bits, e.g. 0o600. */
  readonly mode: number;
  readonly content: Buffer;
}

const BLOCK = 512;

export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    blocks.push(header(entry), entry.content, Buffer.alloc((BLOCK - (entry.content.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(2 * BLOCK)); // end-of-archive marker
  return Buffer.concat(blocks);
}

function header({ name, mode, content }: TarEntry): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, base] = splitName(name);
  block.write(base, 0, 100, 'utf8');
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  octal(block, 124, 12, content.length);
  octal(block, 136, 12, 0); // mtime
  block.fill(' ', 148, 156); // checksum is computed with this field as spaces
  block.write('0', 156, 'ascii'); // regular file
  block.write('ustar\u000000', 257, 'ascii');
  octal(block, 329, 8, 0); // devmajor
  octal(block, 337, 8, 0); // devminor
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'ascii');
  return block;
}

/** ustar stores long names as prefix (155 bytes) + '/' + name (100 bytes). */
function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let i = name.indexOf('/', 1); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return [prefix, rest];
  }
  throw new Error(`tar entry name too long for ustar: ${name}`);
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  const digits = value.toString(8).padStart(width - 1, '0');
  if (digits.length > width - 1) throw new Error(`tar field at ${offset} cannot hold ${value}`);
  block.write(`${digits}\u0000`, offset, 'ascii');
}
