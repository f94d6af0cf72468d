import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.ts';

const randInt = (rand: () => number, min: number, maxInclusive: number): number =>
  min + Math.floor(rand() * (maxInclusive - min + 1));
import { crc16Modbus } from './crc16.ts';
import { encodeFrame, FRAME_START, FrameParser, MessageType, type SensorMessage } from './serial-frames.ts';

/** Builds a frame with a correct CRC around an arbitrary body (for types/payloads encodeFrame refuses). */
function rawFrame(sensorId: number, typeByte: number, payload: number[]): Buffer {
  const len = 3 + payload.length;
  const f = Buffer.from([FRAME_START, len, sensorId >> 8, sensorId & 0xff, typeByte, ...payload, 0, 0]);
  f.writeUInt16LE(crc16Modbus(f, 1, 2 + len), 2 + len);
  return f;
}

const samples: SensorMessage[] = [
  { type: 'occupancy', sensorId: 1, occupied: true, raw: -1234 },
  { type: 'occupancy', sensorId: 0xffff, occupied: false, raw: 2_000_000_000 },
  { type: 'heartbeat', sensorId: 42, seq: 65535, uptimeS: 4_000_000_000 },
  { type: 'battery', sensorId: 7, millivolts: 3600, percent: 87 },
  { type: 'status', sensorId: 300, status: 'fault', faultCode: 0x0102 },
];

describe('CRC-16/MODBUS', () => {
  it('has the catalogue check value 0x4B37 for "123456789"', () => {
    expect(crc16Modbus(Buffer.from('123456789', 'ascii'))).toBe(0x4b37);
  });
  it('changes when a single byte changes', () => {
    const a = Buffer.from('123456789');
    const b = Buffer.from('123456788');
    expect(crc16Modbus(a)).not.toBe(crc16Modbus(b));
  });
});

describe('encodeFrame / FrameParser', () => {
  it('round-trips every message type', () => {
    const p = new FrameParser();
    const { messages, errors } = p.push(Buffer.concat(samples.map(encodeFrame)));
    expect(errors).toEqual([]);
    expect(messages).toEqual(samples);
    expect(p.counters.frames).toBe(samples.length);
  });

  it('lays the frame out as documented (start, LEN, id BE, type, payload, CRC LE)', () => {
    const f = encodeFrame({ type: 'battery', sensorId: 0x1234, millivolts: 0x0e10, percent: 50 });
    expect([...f.subarray(0, 8)]).toEqual([0xa5, 6, 0x12, 0x34, MessageType.battery, 0x0e, 0x10, 50]);
    expect(f.readUInt16LE(8)).toBe(crc16Modbus(f, 1, 8));
    expect(f.length).toBe(10);
  });

  it('decodes a frame delivered one byte at a time', () => {
    const p = new FrameParser();
    const got: SensorMessage[] = [];
    for (const b of encodeFrame(samples[3]!)) got.push(...p.push(Buffer.from([b])).messages);
    expect(got).toEqual([samples[3]]);
  });

  it('counts a bad CRC and still decodes the following frame', () => {
    const bad = encodeFrame(samples[0]!);
    bad[6] = (bad[6] ?? 0) ^ 0x01;
    const p = new FrameParser();
    const r = p.push(Buffer.concat([bad, encodeFrame(samples[1]!)]));
    expect(r.messages).toEqual([samples[1]]);
    expect(r.errors.map((e) => e.code)).toContain('SERIAL_BAD_CRC');
    expect(p.counters.badCrc).toBeGreaterThanOrEqual(1);
  });

  it('reports unknown types, wrong payload sizes and out-of-range fields as error values', () => {
    const p = new FrameParser();
    const r = p.push(
      Buffer.concat([
        rawFrame(5, 0x7f, [1, 2]),
        rawFrame(5, MessageType.battery, [1, 2]),
        rawFrame(5, MessageType.battery, [0x0e, 0x10, 101]),
        rawFrame(5, MessageType.status, [9, 0, 0]),
        encodeFrame(samples[2]!),
      ]),
    );
    expect(r.errors.map((e) => e.code)).toEqual([
      'SERIAL_UNKNOWN_TYPE',
      'SERIAL_BAD_LENGTH',
      'SERIAL_BAD_PAYLOAD',
      'SERIAL_BAD_PAYLOAD',
    ]);
    expect(r.errors[0]?.sensorId).toBe(5);
    expect(r.messages).toEqual([samples[2]]);
    expect(p.counters).toMatchObject({ unknownType: 1, badLength: 1, badPayload: 2, frames: 1 });
  });

  it('rejects an out-of-range LEN without waiting for bytes that will never come', () => {
    const p = new FrameParser();
    const r = p.push(Buffer.concat([Buffer.from([FRAME_START, 200]), encodeFrame(samples[0]!)]));
    expect(r.messages).toEqual([samples[0]]);
    expect(p.counters.badLength).toBe(1);
  });

  it('refuses to encode out-of-range fields', () => {
    expect(() => encodeFrame({ type: 'battery', sensorId: 1, millivolts: 70_000, percent: 5 })).toThrow(
      RangeError,
    );
    expect(() => encodeFrame({ type: 'occupancy', sensorId: 70_000, occupied: true, raw: 0 })).toThrow(
      RangeError,
    );
  });

  it('drops a partial frame on reset()', () => {
    const p = new FrameParser();
    const f = encodeFrame(samples[0]!);
    p.push(f.subarray(0, 5));
    p.reset();
    expect(p.push(f.subarray(5)).messages).toEqual([]);
    expect(p.push(f).messages).toEqual([samples[0]]);
  });
});

function randomMessage(rand: () => number): SensorMessage {
  const sensorId = randInt(rand, 0, 0xffff);
  switch (randInt(rand, 0, 3)) {
    case 0:
      return { type: 'occupancy', sensorId, occupied: rand() < 0.5, raw: randInt(rand, -2e9, 2e9) };
    case 1:
      return { type: 'heartbeat', sensorId, seq: randInt(rand, 0, 0xffff), uptimeS: randInt(rand, 0, 4e9) };
    case 2:
      return {
        type: 'battery',
        sensorId,
        millivolts: randInt(rand, 0, 0xffff),
        percent: randInt(rand, 0, 100),
      };
    default: {
      const status = (['ok', 'degraded', 'fault'] as const)[randInt(rand, 0, 2)]!;
      return { type: 'status', sensorId, status, faultCode: randInt(rand, 0, 0xffff) };
    }
  }
}

function countStarts(b: Uint8Array): number {
  let n = 0;
  for (const x of b) if (x === FRAME_START) n++;
  return n;
}

describe('FrameParser fuzz (seeded)', () => {
  it('decodes all 100,000 valid frames among noise and corrupted frames split at random boundaries', () => {
    const rand = mulberry32(0xc17e);
    const expected: SensorMessage[] = [];
    const parts: Buffer[] = [];
    let corrupted = 0;
    let suspectStarts = 0; // start bytes outside valid frames: the only places a CRC check can fail
    for (let i = 0; i < 100_000; i++) {
      const r = rand();
      if (r < 0.3) {
        const noise = Buffer.from(Array.from({ length: randInt(rand, 1, 24) }, () => randInt(rand, 0, 255)));
        parts.push(noise);
        suspectStarts += countStarts(noise);
      } else if (r < 0.4) {
        const bad = encodeFrame(randomMessage(rand));
        const at = randInt(rand, 2, bad.length - 1); // body or CRC: a single-byte error CRC-16 always detects
        bad[at] = (bad[at] ?? 0) ^ randInt(rand, 1, 255);
        parts.push(bad);
        corrupted++;
        suspectStarts += countStarts(bad);
      }
      const msg = randomMessage(rand);
      expected.push(msg);
      parts.push(encodeFrame(msg));
    }
    const stream = Buffer.concat(parts);
    const parser = new FrameParser();
    const got: SensorMessage[] = [];
    for (let off = 0; off < stream.length; ) {
      const n = randInt(rand, 1, 64);
      const res = parser.push(stream.subarray(off, off + n));
      for (const m of res.messages) got.push(m);
      off += n;
    }
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    const c = parser.counters;
    expect(c.frames).toBe(100_000);
    expect(c.badCrc).toBeGreaterThanOrEqual(corrupted);
    expect(c.badCrc).toBeLessThanOrEqual(suspectStarts);
    expect(c.droppedBytes).toBeGreaterThan(0);
  });

  it('never throws on pure random bytes and decodes nothing spurious in quantity', () => {
    const rand = mulberry32(7);
    const parser = new FrameParser();
    let decoded = 0;
    for (let i = 0; i < 2_000; i++) {
      const chunk = Buffer.from(Array.from({ length: randInt(rand, 1, 128) }, () => randInt(rand, 0, 255)));
      decoded += parser.push(chunk).messages.length;
    }
    // ~130 kB of noise: a spurious CRC match needs LEN, type and CRC to line up (~1 in 10^7 per byte).
    expect(decoded).toBeLessThanOrEqual(1);
    const c = parser.counters;
    expect(c.badCrc + c.badLength).toBeGreaterThan(100);
  });
});
