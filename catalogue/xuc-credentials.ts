/**
 * What xuc needs from XiVO besides the token (XiVO CC's older installation guides and doc
 * titles): the CTI user `xuc` and its password (random since 2021), a web-services user, AMI
 * access on the PBX and on each MDS over its VoIP address, a `pg_hba` entry for the CC server,
 * and "Multiqueues call stats sharing". The users are XiVO facts; the environment variable
 * names xuc reads them from are NOT public: every name here is inferred, overridable in the
 * environment file (`xucCredentials.envNames`). That they are inferred is a fact of the
 * platform, not a risk in an operator's file: the runbook xivo-side.md and docs/catalogue.md say
 * it, and synth prints one short note per run while an environment uses an inferred name.
 */
import { Confidence } from './types';

export type XucCredential = 'ctiUser' | 'ctiPassword' | 'webServicesUser' | 'webServicesPassword' | 'amiUser' | 'amiSecret';

export interface XucCredentialFact {
  /** Environment variable of xuc that carries it. */
  readonly env: string;
  readonly envConfidence: Confidence;
  /** Default value of a user name (the environment file may change it). */
  readonly defaultValue?: string;
  /** Sensitive Terraform variable of a secret (`TF_VAR_<it>`). */
  readonly secretVariable?: string;
  readonly what: string;
}

export const XUC_CREDENTIALS: Readonly<Record<XucCredential, XucCredentialFact>> = {
  ctiUser: { env: 'XIVO_CTI_USER', envConfidence: 'inferred', defaultValue: 'xuc', what: 'CTI user of xuc on XiVO (login `xuc`, verified)' },
  ctiPassword: {
    env: 'XIVO_CTI_PASSWORD',
    envConfidence: 'inferred',
    secretVariable: 'xuc_cti_password',
    what: 'password of the CTI user (random since 2021)',
  },
  webServicesUser: {
    env: 'XIVO_WS_USER',
    envConfidence: 'inferred',
    defaultValue: 'xivows',
    what: 'web-services user of XiVO for the CC server (user name inferred)',
  },
  webServicesPassword: {
    env: 'XIVO_WS_PASSWORD',
    envConfidence: 'inferred',
    secretVariable: 'xuc_ws_password',
    what: 'password of the web-services user',
  },
  amiUser: {
    env: 'XIVO_AMI_USER',
    envConfidence: 'inferred',
    defaultValue: 'xuc',
    what: 'AMI user of xuc on the PBX and on each MDS (user name inferred)',
  },
  amiSecret: { env: 'XIVO_AMI_SECRET', envConfidence: 'inferred', secretVariable: 'xuc_ami_secret', what: 'AMI secret of that user' },
};

/** AMI port of Asterisk on the PBX and the MDS (legacy XiVO port table, verified). */
export const AMI_PORT = 5038;

/** The note of synth (one line per run, with the stacks) while an environment uses an inferred name. */
export const XUC_CREDENTIALS_NOTE =
  "xuc's credential variable names (XIVO_CTI_USER...) are inferred: confirm them with `xivocc-dcomp config` (runbook xivo-side.md), set xucCredentials.envNames if they differ";
