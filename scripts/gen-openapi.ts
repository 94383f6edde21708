/**
 * Build step (`node dist/scripts/gen-openapi.js`, after `tsc`): generates the API schemas from
 * the `kubernetes-types` declarations and writes them to `dist/openapi/definitions.json` under the
 * project root, where `loadDefinitions()` finds them at start-up.
 */
import { relative } from 'node:path';
import { generateDefinitions, writeDefinitionsCache } from '../src/openapi/definitions.js';

const started = performance.now();
const defs = generateDefinitions();
const path = writeDefinitionsCache(defs);
const ms = Math.round(performance.now() - started);
console.log(
  `gen-openapi: ${Object.keys(defs).length} definitions written to ${relative(process.cwd(), path)} (${ms} ms)`,
);
