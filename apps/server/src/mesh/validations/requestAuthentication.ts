import type { Validation } from '@sextant/shared';
import type { IstioObject, MeshConfig } from '../types';
import { selectorMatchingNothing } from './helpers';

/** Findings for a RequestAuthentication (codes SX32xx). */
export const validateRequestAuthentication = (ra: IstioObject, config: MeshConfig): Validation[] =>
  selectorMatchingNothing(ra, config, 'SX3201', 'selector');
