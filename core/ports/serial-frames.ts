/**
 * Bay-sensor frame protocol on the RS-485 gateway link. Format (documented in docs/edge-bindings.md):
 *
 *   offset  size  field
 *   0       1     START 0xA5
 *   1       1     LEN = 3 + payload length (sensor id + type + payload), 3..35
 *   2       2     sensor id, uint16 big-endian
 *   4       1     message type
 *   5       n     payload (fixed size per type)
 *   5+n     2     CRC-16/MODBUS over LEN..payload, low byte first (as Modbus RTU)
 *
 * The parser never throws on input: garbage is skipped byte by byte until a frame with a valid CRC is
 * found, so a valid frame following noise or a torn frame is not lost. The one exception, stated in
 * docs/edge-bindings.md: bytes that are no frame but by chance pass the CRC-16 (a phantom frame) and
 * cover a valid frame whole, or start inside one and run past its end.
 */
import type { SerialErrorCode } from './binding-error.ts';
import { crc16Modbus } from './crc16.ts';

export const FRAME_START = 0xa5;
export const MAX_PAYLOAD = 32;
const HEADER_LEN = 3; // sensor id (2) + type (1)
const MIN_LEN = HEADER_LEN;
const MAX_LEN = HEADER_LEN + MAX_PAYLOAD;
export const MAX_FRAME_BYTES = 2 + MAX_LEN + 2;

export const MessageType = {
  occupancy: 0x01,
  heartbeat: 0x02,
  battery: 0x03,
  status: 0x04,
} as const;
export type MessageTypeName = keyof typeof MessageType;

const PAYLOAD_BYTES: Record<MessageTypeName, number> = { occupancy: 5, heartbeat: 6, battery: 3, status: 3 };

export type SensorStatus = 'ok' | 'degraded' | 'fault';
const STATUS_CODES: readonly SensorStatus[] = ['ok', 'degraded', 'fault'];

/** Occupancy reading: `raw` is the signed magnetometer/radar value the sensor decided on. */
export interface OccupancyMessage {
  type: 'occupancy';
  sensorId: number;
  occupied: boolean;
  raw: number;
}
export interface HeartbeatMessage {
  type: 'heartbeat';
  sensorId: number;
  seq: number;
  uptimeS: number;
}
export interface BatteryMessage {
  type: 'battery';
  sensorId: number;
  millivolts: number;
  percent: number;
}
export interface StatusMessage {
  type: 'status';
  sensorId: number;
  status: SensorStatus;
  /** Vendor fault code, 0 = none. */
  faultCode: number;
}
export type SensorMessage = OccupancyMessage | HeartbeatMessage | BatteryMessage | StatusMessage;

export interface FrameError {
  code: SerialErrorCode;
  detail: string;
  sensorId?: number;
  typeByte?: number;
}

export interface ParserCounters {
  /** Valid frames decoded into messages. */
  frames: number;
  badCrc: number;
  /** LEN out of range, or a CRC-valid frame whose payload size does not match its type. */
  badLength: number;
  unknownType: number;
  /** CRC-valid frame with an out-of-range field (e.g. battery percent > 100). */
  badPayload: number;
  /**
   * CRC-valid frame given up because another CRC-valid frame starts inside it and runs past its end:
   * a torn frame short of its last byte(s) meets the next frame's START and passes the check 1 time
   * in 256, and that next frame is the real one (see FrameParser.rivalAfter).
   */
  overlapped: number;
  /** Frame still incomplete when the line went idle or closed (its start byte is skipped). */
  torn: number;
  /** Bytes skipped while resynchronising. */
  droppedBytes: number;
}

export interface ParseResult {
  messages: SensorMessage[];
  errors: FrameError[];
}

function checkUint(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${name} must be an integer 0..${max}`);
}

function encodePayload(msg: SensorMessage): Buffer {
  const p = Buffer.alloc(PAYLOAD_BYTES[msg.type]);
  switch (msg.type) {
    case 'occupancy':
      if (!Number.isInteger(msg.raw) || msg.raw < -0x80000000 || msg.raw > 0x7fffffff)
        throw new RangeError('raw must be an int32');
      p.writeUInt8(msg.occupied ? 1 : 0, 0);
      p.writeInt32BE(msg.raw, 1);
      break;
    case 'heartbeat':
      checkUint('seq', msg.seq, 0xffff);
      checkUint('uptimeS', msg.uptimeS, 0xffffffff);
      p.writeUInt16BE(msg.seq, 0);
      p.writeUInt32BE(msg.uptimeS, 2);
      break;
    case 'battery':
      checkUint('millivolts', msg.millivolts, 0xffff);
      checkUint('percent', msg.percent, 100);
      p.writeUInt16BE(msg.millivolts, 0);
      p.writeUInt8(msg.percent, 2);
      break;
    case 'status':
      checkUint('faultCode', msg.faultCode, 0xffff);
      p.writeUInt8(STATUS_CODES.indexOf(msg.status), 0);
      p.writeUInt16BE(msg.faultCode, 1);
      break;
  }
  return p;
}

/** Encodes one message into a complete frame. Throws RangeError on out-of-range fields (caller bug). */
export function encodeFrame(msg: SensorMessage): Buffer {
  checkUint('sensorId', msg.sensorId, 0xffff);
  const payload = encodePayload(msg);
  const len = HEADER_LEN + payload.length;
  const frame = Buffer.alloc(2 + len + 2);
  frame[0] = FRAME_START;
  frame[1] = len;
  frame.writeUInt16BE(msg.sensorId, 2);
  frame[4] = MessageType[msg.type];
  payload.copy(frame, 5);
  frame.writeUInt16LE(crc16Modbus(frame, 1, 2 + len), 2 + len);
  return frame;
}

const TYPE_BY_BYTE = new Map<number, MessageTypeName>(
  Object.entries(MessageType).map(([name, byte]) => [byte, name as MessageTypeName]),
);

type DecodeOutcome = { message: SensorMessage } | { error: FrameError };

/** Decodes a CRC-valid frame body (sensor id, type, payload). */
export function decodeBody(sensorId: number, typeByte: number, p: Buffer): DecodeOutcome {
  const type = TYPE_BY_BYTE.get(typeByte);
  if (!type)
    return {
      error: { code: 'SERIAL_UNKNOWN_TYPE', detail: `type 0x${typeByte.toString(16)}`, sensorId, typeByte },
    };
  if (p.length !== PAYLOAD_BYTES[type]) {
    const detail = `${type} payload ${p.length} bytes, expected ${PAYLOAD_BYTES[type]}`;
    return { error: { code: 'SERIAL_BAD_LENGTH', detail, sensorId, typeByte } };
  }
  const bad = (detail: string): DecodeOutcome => ({
    error: { code: 'SERIAL_BAD_PAYLOAD', detail, sensorId, typeByte },
  });
  switch (type) {
    case 'occupancy': {
      const flags = p.readUInt8(0);
      if (flags > 1) return bad(`occupancy flags 0x${flags.toString(16)}`);
      return { message: { type, sensorId, occupied: flags === 1, raw: p.readInt32BE(1) } };
    }
    case 'heartbeat':
      return { message: { type, sensorId, seq: p.readUInt16BE(0), uptimeS: p.readUInt32BE(2) } };
    case 'battery': {
      const percent = p.readUInt8(2);
      if (percent > 100) return bad(`battery percent ${percent}`);
      return { message: { type, sensorId, millivolts: p.readUInt16BE(0), percent } };
    }
    case 'status': {
      const status = STATUS_CODES[p.readUInt8(0)];
      if (!status) return bad(`status code ${p.readUInt8(0)}`);
      return { message: { type, sensorId, status, faultCode: p.readUInt16BE(1) } };
    }
  }
}

export function emptyCounters(): ParserCounters {
  return {
    frames: 0,
    badCrc: 0,
    badLength: 0,
    unknownType: 0,
    badPayload: 0,
    overlapped: 0,
    torn: 0,
    droppedBytes: 0,
  };
}

/** Frames the parser refused (every error counter; dropped bytes are not frames). */
export function rejectedFrames(c: Readonly<ParserCounters>): number {
  return c.badCrc + c.badLength + c.unknownType + c.badPayload + c.overlapped + c.torn;
}

const COUNTER_BY_CODE: Partial<Record<SerialErrorCode, keyof ParserCounters>> = {
  SERIAL_BAD_CRC: 'badCrc',
  SERIAL_BAD_LENGTH: 'badLength',
  SERIAL_UNKNOWN_TYPE: 'unknownType',
  SERIAL_BAD_PAYLOAD: 'badPayload',
  SERIAL_OVERLAP: 'overlapped',
  SERIAL_TORN: 'torn',
};

/** LEN of a plausible frame starting at `i`: undefined when not yet received, null when out of range. */
function lenAt(data: Buffer, i: number): number | null | undefined {
  const len = data[i + 1];
  if (len === undefined) return undefined;
  return len < MIN_LEN || len > MAX_LEN ? null : len;
}

/** Whether the complete window at `i` (LEN `len`) carries a matching CRC. */
function crcMatches(data: Buffer, i: number, len: number): boolean {
  const crcAt = i + 2 + len;
  return data.readUInt16LE(crcAt) === crc16Modbus(data, i + 1, crcAt);
}

/**
 * Incremental frame parser: push any chunking of the byte stream, get decoded messages back.
 * `flush()` when the line goes idle or closes: what is still incomplete then is a torn frame.
 */
export class FrameParser {
  private pending: Buffer = Buffer.alloc(0);
  private readonly c: ParserCounters = emptyCounters();

  get counters(): Readonly<ParserCounters> {
    return { ...this.c };
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Drops a partial frame (e.g. after the link was reopened). Counters are kept. */
  reset(): void {
    this.c.droppedBytes += this.pending.length;
    this.pending = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): ParseResult {
    const data = this.pending.length
      ? Buffer.concat([this.pending, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return this.scan(data, false);
  }

  /**
   * The line is idle (or closed): no more bytes belong to what is pending. Incomplete windows are
   * torn frames, so the scan goes on past them and decodes every complete frame behind them
   * (Modbus RTU likewise discards a frame interrupted by silence). Leaves nothing pending.
   */
  flush(): ParseResult {
    return this.scan(this.pending, true);
  }

  private scan(data: Buffer, final: boolean): ParseResult {
    const out: ParseResult = { messages: [], errors: [] };
    let i = 0;
    while (i < data.length) {
      if (data[i] !== FRAME_START) {
        const next = data.indexOf(FRAME_START, i);
        const stop = next === -1 ? data.length : next;
        this.c.droppedBytes += stop - i;
        i = stop;
        continue;
      }
      const step = this.tryFrameAt(data, i, out, final);
      if (step === 0) break; // incomplete: wait for more bytes
      i += step;
    }
    // Copy so a large chunk is not retained by a small tail.
    this.pending = Buffer.from(data.subarray(i));
    return out;
  }

  /** Returns bytes consumed at `i` (1 = skip this start byte), or 0 when more bytes are needed. */
  private tryFrameAt(data: Buffer, i: number, out: ParseResult, final: boolean): number {
    const len = lenAt(data, i);
    if (len === undefined) return final ? this.torn(out, 'START at the end of the line') : 0;
    if (len === null) {
      this.fail(out, { code: 'SERIAL_BAD_LENGTH', detail: `LEN ${data[i + 1]}` });
      return 1;
    }
    const total = 2 + len + 2;
    if (i + total > data.length) return final ? this.torn(out, `LEN ${len}, line idle`) : 0;
    if (!crcMatches(data, i, len)) {
      // Only the start byte is discarded: a real frame may begin inside what we just tried.
      this.fail(out, { code: 'SERIAL_BAD_CRC', detail: `crc mismatch at LEN ${len}` });
      return 1;
    }
    const rival = this.rivalAfter(data, i, total, final);
    if (rival === 'wait') return 0;
    if (rival === 'found') {
      const detail = `CRC-valid LEN ${len} overlaps a later CRC-valid frame`;
      this.fail(out, { code: 'SERIAL_OVERLAP', detail });
      return 1;
    }
    const crcAt = i + 2 + len;
    const outcome = decodeBody(data.readUInt16BE(i + 2), data[i + 4] ?? 0, data.subarray(i + 5, crcAt));
    if ('message' in outcome) {
      this.c.frames++;
      out.messages.push(outcome.message);
    } else {
      this.fail(out, outcome.error, 0);
    }
    return total;
  }

  /**
   * Looks inside the CRC-valid window [i, i+total) for a START whose own CRC-valid frame runs past
   * the window's end. Both cannot be real; the later one wins, because the common way to get two is
   * a torn frame one byte short whose CRC's missing high byte happens to equal the next frame's
   * START (1 in 256), while a real frame only loses to a 16-bit coincidence. `wait` while such a
   * candidate is still incomplete (bounded by flush on an idle line).
   */
  private rivalAfter(data: Buffer, i: number, total: number, final: boolean): 'none' | 'found' | 'wait' {
    const end = i + total;
    for (
      let j = data.indexOf(FRAME_START, i + 1);
      j !== -1 && j < end;
      j = data.indexOf(FRAME_START, j + 1)
    ) {
      const len = lenAt(data, j);
      if (len === undefined) return final ? 'none' : 'wait';
      if (len === null || j + 4 + len <= end) continue;
      if (j + 4 + len > data.length) {
        if (final) continue;
        return 'wait';
      }
      if (crcMatches(data, j, len)) return 'found';
    }
    return 'none';
  }

  private torn(out: ParseResult, detail: string): number {
    this.fail(out, { code: 'SERIAL_TORN', detail });
    return 1;
  }

  private fail(out: ParseResult, error: FrameError, dropped = 1): void {
    const key = COUNTER_BY_CODE[error.code];
    if (key) this.c[key]++;
    this.c.droppedBytes += dropped;
    out.errors.push(error);
  }
}
