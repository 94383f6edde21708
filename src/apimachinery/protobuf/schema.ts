/** The generated protobuf schema table, loaded once. */
import schemaJson from './schema.json' with { type: 'json' };
import type { MessageEntry, ProtobufSchema } from './table.js';

// The inferred JSON type (`(string | number)[][]`) is wider than the tuples the table holds.
export const schema = schemaJson as unknown as ProtobufSchema;

export const messageEntry = (fullName: string): MessageEntry | undefined =>
  Object.hasOwn(schema.messages, fullName) ? schema.messages[fullName] : undefined;
