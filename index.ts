/**
 * xivo-cdktf's construct library: the public entry point (documented in docs/api/, npm run docs:api).
 *
 * Minimal placeholder of the tooling branch; the construct-library refactor replaces it.
 * @packageDocumentation
 */
export * from './constructs/shared-token';
export * from './constructs/xuc/xuc-service';
export * from './constructs/nginx/nginx-front';
