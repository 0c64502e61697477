/**
 * Builds every stack of an environment and orders them as XiVO starts:
 * XiVO PBX first, then the MDS, then XiVO CC, UC-Addon and Edge.
 */
import { Construct } from 'constructs';
import { Role } from '../catalogue/types';
import { Environment } from '../config/model';
import { ServerStack } from './server-stack';

/** Start tier of a role: a stack waits for every stack of a lower tier. */
const TIER: Readonly<Record<Role, number>> = {
  [Role.XIVO]: 0,
  [Role.MDS]: 1,
  [Role.CC]: 2,
  [Role.UC_ADDON]: 2,
  [Role.EDGE]: 3,
};

export function buildEnvironment(scope: Construct, environment: Environment): ServerStack[] {
  // The XiVO PBX stack is built first: it holds the internal CA, which signs the others' certificates.
  const pbxFirst = [...environment.servers].sort((a, b) => Number(b.roles.includes(Role.XIVO)) - Number(a.roles.includes(Role.XIVO)));
  const built = new Map(pbxFirst.map((server) => [server, new ServerStack(scope, { environment, server })]));
  const stacks = environment.servers.map((server) => built.get(server)!);
  const tier = (s: ServerStack) => Math.min(...s.server.roles.map((r) => TIER[r]));
  for (const stack of stacks) {
    for (const other of stacks) {
      if (other !== stack && tier(other) < tier(stack)) stack.addDependency(other);
    }
  }
  return stacks;
}
