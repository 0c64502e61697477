/**
 * Builds every stack of an environment from its model, a thin mapping onto the construct library:
 * one XivoPlatform (release, public names), one ServerStack (a XivoServer) per server, PBX first (it
 * holds the internal CA), the PBX's TLS side, then every service in catalogue order (a xuc before
 * its xucmgt, a front before the edge). The platform orders the stacks as XiVO starts and wires the
 * services together at synth. Writes the environment's runbooks.
 */
import { Construct } from 'constructs';
import { Annotations, TerraformStack } from '../constructs/terraform-cdk';
import { assumedReleaseWarning, resolveRelease } from '../catalogue/releases';
import { SERVICES } from '../catalogue/services';
import { PublicName, Role, ServiceId } from '../catalogue/types';
import { XUC_CREDENTIALS, XUC_CREDENTIALS_NOTE, XucCredential } from '../catalogue/xuc-credentials';
import { Runbook } from '../constructs/runbook';
import { InternalCa } from '../constructs/tls/internal-ca';
import { KEY_STACK_SUFFIX } from '../constructs/tls/server-key-stack';
import { certificateNames } from '../constructs/tls/tls-options';
import { XivoPbxTls } from '../constructs/xivo-pbx-tls';
import { XivoPlatform } from '../constructs/xivo-platform';
import { XucService } from '../constructs/xuc/xuc-service';
import { Environment, ServerModel } from '../config/model';
import { certificateFor } from './certificates';
import { hostPrerequisitesRunbook } from './host-prerequisites-runbook';
import { interruptedDeployRunbook } from './interrupted-deploy-runbook';
import { ServerStack } from './server-stack';
import { serviceFactory } from './service-factories';
import { takeoverRunbook } from './takeover-runbook';
import { xivoSideRunbook } from './xivo-side-runbook';

/** The environment's public names as the platform takes them (those the model resolved). */
function publicNamesOf(env: Environment): Partial<Record<PublicName, string>> {
  return Object.fromEntries(Object.entries(env.publicNames).filter(([, value]) => value !== undefined));
}

/** The TLS side of the XiVO PBX: the environment's internal CA (mode internal-ca) and the CTI server's certificate. */
function xivoPbxTls(stack: ServerStack, env: Environment): void {
  const { tls } = env;
  const scope = stack.role(Role.XIVO);
  if (tls.mode === 'internal-ca') {
    InternalCa.create(scope, { environment: env.name, key: tls.key, validityDays: tls.caValidityDays, earlyRenewalDays: tls.earlyRenewalDays });
  }
  const xivoHost = env.publicNames[PublicName.XIVO_HOST]!;
  const fqdn = /^\d+(\.\d+){3}$/.test(xivoHost) ? stack.server.fqdn : xivoHost;
  new XivoPbxTls(scope, 'tls', {
    ctiCertificate: fqdn ? certificateFor(scope, env, certificateNames(fqdn, [stack.server.fqdn]), tls.cti?.provided) : undefined,
    ctiAuthBackend: tls.cti?.authBackend,
  });
}

/** The stacks of servers, each followed by its key stack when it has one (made while building their services). */
export function withKeyStacks(stacks: readonly ServerStack[]): TerraformStack[] {
  return stacks.flatMap((s) => {
    const keyStack = s.node.scope?.node.tryFindChild(`${s.node.id}${KEY_STACK_SUFFIX}`) as TerraformStack | undefined;
    return keyStack ? [s, keyStack] : [s];
  });
}

export function buildEnvironment(scope: Construct, environment: Environment): ServerStack[] {
  const platform = new XivoPlatform(scope, environment.name, {
    release: environment.release,
    dist: environment.dist,
    registry: environment.registry,
    helperImage: environment.helperImage,
    logging: environment.logging,
    publicNames: publicNamesOf(environment),
  });
  // The XiVO PBX stack is built first: it holds the internal CA, which signs the others' certificates.
  const pbxFirst = [...environment.servers].sort((a, b) => Number(b.roles.includes(Role.XIVO)) - Number(a.roles.includes(Role.XIVO)));
  const built = new Map<ServerModel, ServerStack>(pbxFirst.map((server) => [server, new ServerStack(scope, { platform, environment, server })]));
  for (const stack of built.values()) if (stack.server.roles.includes(Role.XIVO)) xivoPbxTls(stack, environment);

  // Catalogue order across servers: what a service takes by reference is built before it.
  const services = new Map<ServiceId, Construct>();
  for (const definition of SERVICES) {
    for (const server of environment.servers.filter((s) => s.services.includes(definition))) {
      const factory = serviceFactory(definition.id);
      services.set(
        definition.id,
        factory(built.get(server)!.role(definition.role), definition.name, { environment, server, definition, built: services }),
      );
    }
  }

  const stacks = environment.servers.map((server) => built.get(server)!);
  const order = platform.deployOrder().map((s) => s as ServerStack);
  if (order.length) {
    // The environment's own runbooks, on its first stack (whose platform names the environment).
    const servers = order.map((s) => s.server);
    const runbooks = {
      takeover: takeoverRunbook(environment, servers),
      'host-prerequisites': hostPrerequisitesRunbook(environment),
      'interrupted-deploy': interruptedDeployRunbook(
        environment,
        servers,
        withKeyStacks(order)
          .map((s) => s.node.id)
          .filter((id) => id.endsWith(KEY_STACK_SUFFIX)),
      ),
    };
    for (const [name, content] of Object.entries(runbooks)) new Runbook(order[0], `${name}-runbook`, { name, content });
    // A release newer than the catalogue: accepted, once per environment, with what is assumed.
    const releaseWarning = assumedReleaseWarning(resolveRelease(environment.release)!, environment.dist);
    if (releaseWarning) Annotations.of(order[0]).addWarning(releaseWarning);
    // xuc's credentials towards XiVO: one runbook per environment; a note (not a warning: the file
    // is not at fault) on its first xuc while a variable name is still the catalogue's inference.
    const xuc = order.flatMap((s) => s.node.findAll()).find((c): c is XucService => c instanceof XucService);
    if (xuc) {
      new Runbook(order[0], 'xivo-side-runbook', { environment: environment.name, name: 'xivo-side', content: xivoSideRunbook(environment) });
      const given = environment.xucCredentials.envNamesGiven;
      const inferred = (Object.keys(XUC_CREDENTIALS) as XucCredential[]).some(
        (c) => XUC_CREDENTIALS[c].envConfidence === 'inferred' && !given.includes(c),
      );
      if (inferred) Annotations.of(xuc.credentials).addInfo(XUC_CREDENTIALS_NOTE);
    }
  }
  return stacks;
}
