/**
 * Builds every stack of an environment and orders them as XiVO starts:
 * XiVO PBX first, then the MDS, then XiVO CC, UC-Addon and Edge; writes the environment's
 * takeover runbook (in that order).
 */
import { Construct } from 'constructs';
import { Role } from '../catalogue/types';
import { Environment } from '../config/model';
import { Annotations } from 'cdktf';
import { XUC_CREDENTIALS, XUC_CREDENTIALS_NOTE, XucCredential } from '../catalogue/xuc-credentials';
import { assumedReleaseWarning, resolveRelease } from '../catalogue/releases';
import { Runbook } from '../constructs/runbook';
import { XucService } from '../constructs/xuc/xuc-service';
import { ServerStack } from './server-stack';
import { hostPrerequisitesRunbook } from './host-prerequisites-runbook';
import { interruptedDeployRunbook } from './interrupted-deploy-runbook';
import { takeoverRunbook } from './takeover-runbook';
import { xivoSideRunbook } from './xivo-side-runbook';

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
  const order = [...stacks].sort((a, b) => tier(a) - tier(b));
  if (order.length) {
    new Runbook(order[0], 'takeover-runbook', { environment: environment.name, name: 'takeover', content: takeoverRunbook(environment, order.map((s) => s.server)) });
    new Runbook(order[0], 'host-prerequisites-runbook', { environment: environment.name, name: 'host-prerequisites', content: hostPrerequisitesRunbook(environment) });
    new Runbook(order[0], 'interrupted-deploy-runbook', { environment: environment.name, name: 'interrupted-deploy', content: interruptedDeployRunbook(environment, order.map((s) => s.server)) });
    // A release newer than the catalogue: accepted, once per environment, with what is assumed.
    const releaseWarning = assumedReleaseWarning(resolveRelease(environment.release)!, environment.dist);
    if (releaseWarning) Annotations.of(order[0]).addWarning(releaseWarning);
    // xuc's credentials towards XiVO: one runbook per environment; a note (not a warning: the file
    // is not at fault) on its first xuc while a variable name is still the catalogue's inference.
    const xuc = order.flatMap((s) => s.node.findAll()).find((c): c is XucService => c instanceof XucService);
    if (xuc) {
      new Runbook(order[0], 'xivo-side-runbook', { environment: environment.name, name: 'xivo-side', content: xivoSideRunbook(environment) });
      const given = environment.xucCredentials.envNamesGiven;
      const inferred = (Object.keys(XUC_CREDENTIALS) as XucCredential[]).some((c) => XUC_CREDENTIALS[c].envConfidence === 'inferred' && !given.includes(c));
      if (inferred) Annotations.of(xuc.credentials).addInfo(XUC_CREDENTIALS_NOTE);
    }
  }
  return stacks;
}
