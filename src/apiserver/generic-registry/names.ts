/** Name generation for `metadata.generateName`, with upstream's alphabet and suffix length. */
import { randomInt, randomUUID } from 'node:crypto';

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
const maxNameLength = 63;
const suffixLength = 5;

export function generateName(base: string): string {
  const prefix =
    base.length > maxNameLength - suffixLength ? base.slice(0, maxNameLength - suffixLength) : base;
  let suffix = '';
  for (let i = 0; i < suffixLength; i++) suffix += alphabet[randomInt(alphabet.length)];
  return prefix + suffix;
}

export const newUID = (): string => randomUUID();
