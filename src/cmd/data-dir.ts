/** The default data directory: /var/lib/cairn for root, ~/.cairn otherwise. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const defaultDataDir = (): string =>
  process.getuid?.() === 0 ? '/var/lib/cairn' : join(homedir(), '.cairn');
