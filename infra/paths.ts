import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Paths in the repository, whatever the working directory of `cdk` or the tests. */
export const repoPath = (...parts: string[]): string => resolve(root, ...parts);
