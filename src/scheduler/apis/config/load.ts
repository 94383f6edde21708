/**
 * Reading a scheduler configuration: decode (strict) → defaults → validate against the plugin
 * registry. With no file, the defaults.
 */
import { readFile } from 'node:fs/promises';
import { decodeConfiguration } from './decode.js';
import { setDefaults } from './defaults.js';
import type { KubeSchedulerConfiguration } from './types.js';
import { assertValid } from './validation.js';

export function parseConfiguration(
  text: string,
  knownPlugins: ReadonlySet<string>,
): KubeSchedulerConfiguration {
  const cfg = setDefaults(decodeConfiguration(text));
  assertValid(cfg, knownPlugins);
  return cfg;
}

export async function loadConfiguration(
  file: string | undefined,
  knownPlugins: ReadonlySet<string>,
): Promise<KubeSchedulerConfiguration> {
  if (!file) {
    const cfg = setDefaults({});
    assertValid(cfg, knownPlugins);
    return cfg;
  }
  return parseConfiguration(await readFile(file, 'utf8'), knownPlugins);
}
