import { readFileSync, writeFileSync } from 'node:fs';
import {
  REFERENCE_END,
  REFERENCE_START,
  variablesReference,
} from '../functions/template-check/variables-reference.ts';

/** Rewrites the variables reference in README.md from the context schema. */
const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(REFERENCE_START);
const end = readme.indexOf(REFERENCE_END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${REFERENCE_START} … ${REFERENCE_END} block`);
  process.exit(2);
}
writeFileSync(
  'README.md',
  `${readme.slice(0, start + REFERENCE_START.length)}\n${variablesReference()}\n${readme.slice(end)}`,
);
console.log('README.md variables reference updated');
