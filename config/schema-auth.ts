/**
 * Environment-file section `auth`: xuc authentication modes (seed 000). Owned by the
 * authentication feature (XucService, AuthLdap, AuthKerberos, AuthCas, AuthOidc, OutboundQueue).
 */
import { z } from 'zod';

export const authSchema = z.object({}).strict();

export type AuthSpec = z.infer<typeof authSchema>;
