/**
 * RoleDeployment: what one role (XiVO PBX, MDS, XiVO CC, UC-Addon) puts on one server:
 * its host `custom.env` (its keys updated through the Docker API) and its containers.
 */
import { Construct } from 'constructs';
import { HOST_ENV_FILES, HOST_FILE_HELPER_IMAGE } from '../../catalogue/services';
import { Role } from '../../catalogue/types';
import { EnvFileKeys } from '../../constructs/env-file-keys';
import { deploymentLabels, withRegistry } from '../../constructs/deployment';
import { resolveEnvSources } from '../../constructs/env-source';
import { directoryOf } from '../deployment';
import { ROLE_EXTENSIONS } from '../role-extensions';
import { serviceFactory, ServiceContext } from '../service-factories';

export interface RoleDeploymentProps extends ServiceContext {
  readonly role: Role;
}

export class RoleDeployment extends Construct {
  readonly role: Role;
  /** The role's `custom.env`, managed key by key (XiVO's installers write it too). */
  readonly envFiles: EnvFileKeys[] = [];
  readonly services: Construct[] = [];

  constructor(scope: Construct, id: string, props: RoleDeploymentProps) {
    super(scope, id);
    const { role, environment, server } = props;
    this.role = role;
    const { deployment } = props;

    for (const file of HOST_ENV_FILES.filter((f) => f.role === role)) {
      this.envFiles.push(
        new EnvFileKeys(this, 'custom-env', {
          path: file.path,
          values: resolveEnvSources(this, file.variables, directoryOf(environment, server)),
          labels: deploymentLabels(deployment, role, 'custom-env'),
          helperImage: withRegistry(deployment, HOST_FILE_HELPER_IMAGE),
        }),
      );
    }

    for (const definition of server.services.filter((d) => d.role === role)) {
      this.services.push(serviceFactory(definition.id)(this, definition.name, { ...props, definition }));
    }
    for (const extend of ROLE_EXTENSIONS[role] ?? []) extend(this, props);
  }
}
