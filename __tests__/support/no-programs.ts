/**
 * Runs a block with every way of starting a program (child_process exec*, spawn*, fork) made to
 * fail, and returns the commands the block tried to start. Setting `process.env.PATH` inside a
 * jest test does not prove a block needs no program: child processes started without an explicit
 * `env` inherit the jest worker's own environment, not the test's copy of it.
 */
// The module object itself, which cdktf and every other module share (an `import * as` namespace
// is a copy under the test transform, and spying on a copy intercepts nothing).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess: typeof import('child_process') = require('child_process');

const STARTERS = ['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync', 'fork'] as const;

export function programsStartedBy(block: () => void): string[] {
  const started: string[] = [];
  const spies = STARTERS.map((name) =>
    jest.spyOn(childProcess, name).mockImplementation(((command: string, args?: unknown) => {
      started.push([command, ...(Array.isArray(args) ? args : [])].join(' '));
      throw new Error(`${name}(${command}): this block must start no program`);
    }) as never),
  );
  try {
    block();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return started;
}
