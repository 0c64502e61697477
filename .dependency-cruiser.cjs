/**
 * Import rules of the layers (npm run deps; npm run deps:graph prints every edge and cycle).
 *
 * One direction only:
 *   catalogue/ (data) <- constructs/ (library) <- config/ (YAML -> model) <- stacks/ (model -> constructs)
 *   <- main.ts, synth/
 * estate/, impact/ and discover/ sit beside stacks/: they may use catalogue/, constructs/, config/
 * (and stacks/), never the other way round. `import type` edges count (tsPreCompilationDeps): a type-only cycle is a cycle.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycle (type-only imports included): break it by moving the shared piece to the lower layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'catalogue-is-data',
      severity: 'error',
      comment: 'catalogue/ is plain data: it imports nothing from constructs/, config/, stacks/, estate/, impact/, synth/ or main.ts.',
      from: { path: '^catalogue/' },
      to: { path: '^(constructs|config|stacks|estate|impact|discover|synth)/|^main\\.ts$' },
    },
    {
      name: 'constructs-never-import-config-or-stacks',
      severity: 'error',
      comment:
        'constructs/ is the library: it knows catalogue/ and cdktf, never the YAML model (config/), the stacks (stacks/), ' +
        'estate/, impact/, synth/ or main.ts. Pass what the construct needs through narrow props.',
      from: { path: '^constructs/' },
      to: { path: '^(config|stacks|estate|impact|discover|synth)/|^main\\.ts$' },
    },
    {
      name: 'config-never-imports-stacks',
      severity: 'error',
      comment: 'config/ turns YAML into the model: it never imports stacks/, estate/, impact/, synth/ or main.ts (they sit above it).',
      from: { path: '^config/' },
      to: { path: '^(stacks|estate|impact|discover|synth)/|^main\\.ts$' },
    },
    {
      name: 'config-loads-no-cdktf',
      severity: 'error',
      comment:
        'config/ validates environment files without cdktf and the providers (a synth of unchanged files, discover, impact and the ' +
        "editors' schema never pay for loading them): nothing config/ imports may reach them, type-only imports included. " +
        'Constants it shares with the constructs live in their pure modules (constructs/platform-rules.ts, xuc/xuc-defaults.ts, ' +
        'xuc/auth-modes.ts, nginx/edge-defaults.ts, delivered-files.ts). __tests__/integration/config-loads-no-cdktf.test.ts checks require.cache.',
      from: { path: '^config/' },
      to: { path: '^node_modules/(cdktf|@cdktf)/', reachable: true },
    },
    {
      name: 'stacks-never-import-entry-points',
      severity: 'error',
      comment: 'stacks/, estate/, impact/ and discover/ sit below the entry points: they never import synth/, deploy/ or main.ts.',
      from: { path: '^(stacks|estate|impact|discover)/' },
      to: { path: '^(synth|deploy)/|^main\\.ts$' },
    },
    {
      name: 'deploy-is-an-entry-point',
      severity: 'error',
      comment:
        'deploy/ runs Terraform on the output of synth: it may use synth/ (and what synth uses); only pipeline/ (which generates the jobs that run it) and the operations that deploy (backup/, drift/, upgrade/) import it.',
      from: { pathNot: '^(deploy|pipeline|backup|drift|upgrade|__tests__)/' },
      to: { path: '^deploy/' },
    },
    {
      name: 'no-production-import-of-tests',
      severity: 'error',
      comment: 'Production code never imports __tests__/ (fixtures and harnesses are for tests only).',
      from: { pathNot: '^__tests__/' },
      to: { path: '^__tests__/' },
    },
    {
      name: 'library-runtime-dependencies',
      severity: 'error',
      comment:
        'The construct library (index.ts, catalogue/, constructs/: what npm pack ships as lib/) imports a devDependency: a user of ' +
        'the package would not have it. Its runtime dependencies are what it imports: the providers (dependencies) and cdktf and ' +
        'constructs (peerDependencies). The app around it (config/, stacks/, synth/...) runs from a clone, with every dependency installed.',
      from: { path: '^(catalogue|constructs)/|^index\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only', 'npm-peer'] },
    },
    {
      name: 'one-cdk-module',
      severity: 'error',
      comment:
        'cdktf and the provider bindings are imported by constructs/terraform-cdk.ts only (type-only imports too): a move to another ' +
        'CDK for Terraform (CDK Terrain) changes that module and package.json only. Import from it. examples/ are user apps: they import cdktf as any does.',
      from: { pathNot: '^(constructs/terraform-cdk\\.ts|examples/)' },
      to: { path: '^node_modules/(cdktf|@cdktf)/' },
    },
    {
      name: 'no-undeclared-dependency',
      severity: 'error',
      comment: 'This import is a package that package.json does not declare: it is there only because another package brought it. Declare it.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'This import resolves to no file or package: a typo or a missing dependency in package.json.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|lib|cdktf\\.out|docs/api|\\.gen)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
