/** Cross-field rules of the `tls` and `edge` sections. */
import type { Rule } from './rules';

export const TLS_RULES: readonly Rule[] = [];
