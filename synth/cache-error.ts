/** A synth cache that cannot be trusted (a cache directory git tracks, a damaged machine key): printed as it is. */
export class SynthCacheError extends Error {}
