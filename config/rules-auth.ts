/** Cross-field rules of the `auth` section. */
import type { Rule } from './rules';

export const AUTH_RULES: readonly Rule[] = [];
