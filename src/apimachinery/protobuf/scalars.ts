/**
 * Scalar protobuf values as Kubernetes' JSON spells them: every integer a JSON number (64-bit
 * values beyond 2^53 lose precision, as they do in any JSON client), `bytes` standard base64,
 * strings UTF-8.
 */
import type { ScalarKind } from './table.js';
import { WIRE, WireError, type WireReader } from './wire.js';

export type ScalarValue = number | boolean | string;

const utf8 = new TextDecoder('utf-8');

/** The wire type a (non-packed) scalar of this kind travels as. */
export function wireTypeOf(kind: ScalarKind): number {
  switch (kind) {
    case 'string':
    case 'bytes':
      return WIRE.bytes;
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return WIRE.fixed64;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return WIRE.fixed32;
    default:
      return WIRE.varint;
  }
}

const zigzag = (v: bigint): bigint => (v >> 1n) ^ -(v & 1n);

export function readScalar(r: WireReader, kind: ScalarKind): ScalarValue {
  switch (kind) {
    case 'string':
      return utf8.decode(r.bytes());
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    case 'bool':
      return r.varint() !== 0n;
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'uint64':
      return Number(r.varint());
    case 'int32':
    case 'enum':
      // Go truncates: a negative int32 travels as a 10-byte varint.
      return Number(BigInt.asIntN(32, r.varint()));
    case 'uint32':
      return Number(BigInt.asUintN(32, r.varint()));
    case 'sint32':
      return Number(BigInt.asIntN(32, zigzag(BigInt.asUintN(32, r.varint()))));
    case 'sint64':
      return Number(zigzag(r.varint()));
    case 'fixed32':
      return r.fixed32();
    case 'sfixed32':
      return r.fixed32() | 0;
    case 'float':
      return r.float();
    case 'fixed64':
      return Number(r.fixed64());
    case 'sfixed64':
      return Number(BigInt.asIntN(64, r.fixed64()));
    case 'double':
      return r.double();
    default:
      throw new WireError(`unsupported scalar kind ${String(kind)}`);
  }
}

/** Go's zero value for the kind, as JSON. */
export const zeroOf = (kind: ScalarKind): ScalarValue =>
  kind === 'string' || kind === 'bytes' ? '' : kind === 'bool' ? false : 0;

export const isZero = (value: ScalarValue): boolean => value === '' || value === false || value === 0;

/** Whether a repeated field of this kind may come packed (one length-delimited run of values). */
export const packable = (kind: ScalarKind): boolean => kind !== 'string' && kind !== 'bytes';
