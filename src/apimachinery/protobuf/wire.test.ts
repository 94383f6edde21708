import { describe, expect, it } from 'vitest';
import { readScalar } from './scalars.js';
import { varint } from './testing/encode.js';
import { WIRE, WireError, WireReader } from './wire.js';

const reader = (...bytes: number[]): WireReader => new WireReader(Uint8Array.from(bytes));

describe('WireReader', () => {
  it('reads one- and multi-byte varints', () => {
    expect(reader(0x00).varint()).toBe(0n);
    expect(reader(0x7f).varint()).toBe(127n);
    expect(reader(0xac, 0x02).varint()).toBe(300n);
    expect(reader(0x80, 0x80, 0x80, 0x80, 0x10).varint()).toBe(1n << 32n);
  });

  it('reads full 64-bit varints', () => {
    const max = reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    expect(max.varint()).toBe((1n << 64n) - 1n);
    expect(max.done).toBe(true);
    expect(new WireReader(varint(1n << 62n)).varint()).toBe(1n << 62n);
  });

  it('maps varints to int64, int32, uint32 and bool as Go does', () => {
    expect(readScalar(new WireReader(varint(-1)), 'int64')).toBe(-1);
    expect(readScalar(new WireReader(varint(-5)), 'int32')).toBe(-5);
    expect(readScalar(new WireReader(varint(2 ** 40 + 7)), 'int64')).toBe(2 ** 40 + 7);
    expect(readScalar(new WireReader(varint(2 ** 32 + 7)), 'int32')).toBe(7);
    expect(readScalar(new WireReader(varint(0xffffffff)), 'uint32')).toBe(0xffffffff);
    expect(readScalar(new WireReader(varint(3)), 'sint64')).toBe(-2);
    expect(readScalar(new WireReader(varint(2)), 'bool')).toBe(true);
    expect(readScalar(new WireReader(varint(0)), 'bool')).toBe(false);
  });

  it('rejects varints that are too long or cut short', () => {
    expect(() => reader(0x80, 0x80).varint()).toThrow(WireError);
    expect(() => reader(...Array<number>(10).fill(0xff), 0x01).varint()).toThrow(/longer than 10 bytes/);
  });

  it('reads tags, fixed-width values and length-delimited bytes', () => {
    const r = reader(
      0x0a,
      0x03,
      0x61,
      0x62,
      0x63,
      0x15,
      0x01,
      0x00,
      0x00,
      0x80,
      0x19,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    );
    expect(r.tag()).toEqual({ field: 1, wireType: WIRE.bytes });
    expect(Buffer.from(r.bytes()).toString()).toBe('abc');
    expect(r.tag()).toEqual({ field: 2, wireType: WIRE.fixed32 });
    expect(r.fixed32()).toBe(0x80000001);
    expect(r.tag()).toEqual({ field: 3, wireType: WIRE.fixed64 });
    expect(r.fixed64()).toBe(1n);
    expect(r.done).toBe(true);
  });

  it('skips unknown values of every wire type and rejects groups', () => {
    const r = reader(0x96, 0x01, 0x02, 0x61, 0x62, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8);
    r.skip(WIRE.varint);
    r.skip(WIRE.bytes);
    r.skip(WIRE.fixed32);
    r.skip(WIRE.fixed64);
    expect(r.done).toBe(true);
    expect(() => reader(0x00).skip(WIRE.startGroup)).toThrow(/wire type 3/);
  });

  it('rejects lengths past the end and field number 0', () => {
    expect(() => reader(0x05, 0x61).bytes()).toThrow(/unexpected end/);
    expect(() => reader(0x02).tag()).toThrow(/invalid field number 0/);
    expect(() => reader(0x01, 0x02).fixed32()).toThrow(/unexpected end/);
  });

  it('honours a sub-range of the buffer', () => {
    const r = new WireReader(Uint8Array.of(0x01, 0x02, 0x03), 1, 2);
    expect(r.varint()).toBe(2n);
    expect(r.done).toBe(true);
  });
});
