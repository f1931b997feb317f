import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_DIR = join(REPO_ROOT, 'apps/web');
export const SERVER_DIR = join(REPO_ROOT, 'apps/server');
export const TSX_BIN = join(REPO_ROOT, 'node_modules/.bin/tsx');
/** Screenshots and other artefacts of a run (git-ignored). */
export const RESULTS_DIR = join(REPO_ROOT, 'e2e/test-results');
