/**
 * Environment-file sections `tls` and `edge`: certificates and the nginx/edge fronts
 * (seeds 000, 001, 003, 004). Owned by the NginxFront / TLS feature.
 */
import { z } from 'zod';

export const tlsSchema = z.object({}).strict();
export const edgeSchema = z.object({}).strict();

export type TlsSpec = z.infer<typeof tlsSchema>;
export type EdgeSpec = z.infer<typeof edgeSchema>;
