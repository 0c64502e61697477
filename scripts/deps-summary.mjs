/**
 * dependency-cruiser reporter plugin (npm run deps:graph): one summary of the import graph,
 * e.g. "175 modules, 752 imports (120 type-only); 0 cycles; 0 violations". Cycles are counted
 * once whatever module they were reported from; `import type` edges count (tsPreCompilationDeps).
 * Exit code 1 when there is a violation, as depcruise's own reporters.
 *
 * @param {import('dependency-cruiser').ICruiseResult} result what depcruise found
 * @returns {import('dependency-cruiser').IReporterOutput} the text and the exit code
 */
export default function depsSummary(result) {
  const imports = result.modules.flatMap((m) => m.dependencies);
  const typeOnly = imports.filter((d) => d.dependencyTypes.includes('type-only')).length;
  const cycles = new Map();
  for (const v of result.summary.violations.filter((x) => x.rule.name === 'no-circular')) {
    const names = v.cycle.map((c) => c.name);
    const start = names.indexOf([...names].sort()[0]);
    const key = [...names.slice(start), ...names.slice(0, start)].join(' → ');
    cycles.set(
      key,
      v.cycle.some((c) => c.dependencyTypes.includes('type-only')),
    );
  }
  const byRule = new Map();
  for (const v of result.summary.violations) byRule.set(v.rule.name, (byRule.get(v.rule.name) ?? 0) + 1);
  const lines = [
    `${result.summary.totalCruised} modules, ${imports.length} imports (${typeOnly} type-only)`,
    `${cycles.size} cycles (${[...cycles.values()].filter(Boolean).length} through an \`import type\`)`,
    ...[...cycles.keys()].map((c) => `  cycle: ${c}`),
    `${result.summary.violations.length} violations${byRule.size ? ':' : ''}`,
    ...[...byRule].map(([rule, n]) => `  ${rule}: ${n}`),
  ];
  return { output: lines.join('\n') + '\n', exitCode: result.summary.violations.length ? 1 : 0 };
}
