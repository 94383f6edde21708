import type { IKeyValue } from 'etcd3';
import type { KeyValue } from '../interface.js';

/**
 * How Cairn keys map onto etcd: every key is stored as `<store prefix><key>` (the store
 * prefix lets several clusters share one etcd), values are the UTF-8 bytes of the text, and
 * etcd's int64 revisions (strings on the wire) become numbers.
 */

const ZERO = Buffer.from([0]);

/** The byte-wise smallest key above every key that starts with `prefix` ('\0': no bound). */
export function rangeEndOf(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    const byte = end[i] ?? 0xff;
    if (byte < 0xff) {
      end[i] = byte + 1;
      return end.subarray(0, i + 1);
    }
  }
  return ZERO;
}

export class EtcdKeys {
  private readonly prefixBytes: Buffer;

  constructor(readonly prefix: string) {
    this.prefixBytes = Buffer.from(prefix);
  }

  key(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }

  /** A single key for reads that only want the response header (etcd needs a non-empty key). */
  probe(): Buffer {
    return this.prefixBytes.length > 0 ? this.prefixBytes : ZERO;
  }

  /**
   * The etcd range [key, rangeEnd) holding the keys under `prefix`, starting after
   * `startAfter` when given. etcd reads an empty start key as "the single key ''", so the
   * empty range starts at '\0' instead.
   */
  range(prefix: string, startAfter?: string): { key: Buffer; range_end: Buffer } {
    const start = this.key(prefix);
    const range_end = rangeEndOf(start);
    let key = start.length === 0 ? ZERO : start;
    if (startAfter !== undefined) {
      const after = Buffer.concat([this.key(startAfter), ZERO]);
      if (Buffer.compare(after, key) > 0) key = after;
    }
    return { key, range_end };
  }

  /** The Cairn key of an etcd key (throws for keys outside this store's prefix). */
  strip(key: Buffer): string {
    if (!key.subarray(0, this.prefixBytes.length).equals(this.prefixBytes)) {
      throw new Error(`etcd key ${key.toString()} is outside the store prefix ${this.prefix}`);
    }
    return key.subarray(this.prefixBytes.length).toString();
  }

  toKv(kv: IKeyValue): KeyValue {
    return {
      key: this.strip(kv.key),
      value: kv.value.toString(),
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
    };
  }
}

/** etcd's "mvcc: required revision has been compacted". */
export function isCompacted(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision has been compacted');
}

/** etcd's "mvcc: required revision is a future revision". */
export function isFutureRevision(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision is a future revision');
}
