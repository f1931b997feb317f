import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_DIR = join(REPO_ROOT, 'apps/web');
export const SERVER_DIR = join(REPO_ROOT, 'apps/server');
/** Screenshots and other artefacts of a run (git-ignored). */
export const RESULTS_DIR = join(REPO_ROOT, 'e2e/test-results');
