/**
 * The catalogue's own data is inconsistent (a definition missing from SERVICE_IDS, the lists out of
 * order): a bug of this project, found when the catalogue loads, never the operator's input. The
 * catalogue is the lowest layer, so it has its own error type (constructs/errors.ts sits above it).
 */
export class CatalogueError extends Error {
  constructor(message: string) {
    super(`catalogue: ${message}`);
    this.name = 'CatalogueError';
  }
}
