/** Test helper: a tiny protobuf writer, to build bodies by hand. */

export type Part = Uint8Array;

export function varint(value: bigint | number): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

const concat = (parts: Part[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

const tag = (field: number, wireType: number): Uint8Array => varint(field * 8 + wireType);

/** A varint field (int32/int64/bool/enum); negative numbers as 10-byte two's complement. */
export const int = (field: number, value: bigint | number | boolean): Part =>
  concat([tag(field, 0), varint(typeof value === 'boolean' ? Number(value) : value)]);

export const bytes = (field: number, value: Uint8Array): Part =>
  concat([tag(field, 2), varint(value.length), value]);

export const str = (field: number, value: string): Part => bytes(field, Buffer.from(value, 'utf8'));

export const msg = (field: number, ...parts: Part[]): Part => bytes(field, concat(parts));

export const fixed32 = (field: number, value: number): Part => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return concat([tag(field, 5), b]);
};

export const fixed64 = (field: number, value: bigint): Part => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return concat([tag(field, 1), b]);
};

/** A packed repeated varint field. */
export const packed = (field: number, values: (bigint | number)[]): Part =>
  bytes(field, concat(values.map((v) => varint(v))));

/** A map entry (`key` = 1, `value` = 2). */
export const entry = (field: number, key: string, value: Part): Part => msg(field, str(1, key), value);

export const join = (...parts: Part[]): Uint8Array => concat(parts);

/** A whole body: the magic `k8s\0` and the `runtime.Unknown` envelope around `raw`. */
export const body = (apiVersion: string, kind: string, ...raw: Part[]): Buffer =>
  Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    msg(1, str(1, apiVersion), str(2, kind)),
    bytes(2, concat(raw)),
    str(3, ''),
    str(4, ''),
  ]);
