import type { RequestAuthentication, Validation } from '@sextant/shared';
import type { MeshConfig } from '../types';
import { selectorMatchingNothing } from './helpers';

/** Findings for a RequestAuthentication (codes SX32xx). */
export const validateRequestAuthentication = (ra: RequestAuthentication, config: MeshConfig): Validation[] =>
  selectorMatchingNothing(ra, ra.spec?.selector?.matchLabels, config, 'SX3201', 'spec.selector.matchLabels');
