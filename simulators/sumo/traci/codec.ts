/**
 * TraCI binary encoding [TraCI/Protocol]: big-endian integers and doubles, strings as a 4-byte
 * length then latin1 bytes, typed values prefixed by a one-byte type tag.
 */
import { TraciError } from './errors.ts';
import { RTYPE, TYPE } from './constants.ts';

export interface Position {
  readonly x: number;
  readonly y: number;
}

/** A decoded typed value; compounds keep their items in order. */
export type TraciValue = number | string | readonly string[] | readonly number[] | Position | TraciCompound;
export interface TraciCompound {
  readonly compound: readonly TraciValue[];
}

/** Appends TraCI primitives to a growing buffer. */
export class TraciWriter {
  private chunks: Buffer[] = [];
  private size = 0;

  private push(buf: Buffer): this {
    this.chunks.push(buf);
    this.size += buf.length;
    return this;
  }
  ubyte(v: number): this {
    const b = Buffer.alloc(1);
    b.writeUInt8(v);
    return this.push(b);
  }
  int(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  double(v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return this.push(b);
  }
  string(v: string): this {
    const bytes = Buffer.from(v, 'latin1');
    return this.int(bytes.length).push(bytes);
  }
  stringList(v: readonly string[]): this {
    this.int(v.length);
    for (const s of v) this.string(s);
    return this;
  }
  typedInt(v: number): this {
    return this.ubyte(TYPE.INTEGER).int(v);
  }
  typedDouble(v: number): this {
    return this.ubyte(TYPE.DOUBLE).double(v);
  }
  typedString(v: string): this {
    return this.ubyte(TYPE.STRING).string(v);
  }
  bytes(buf: Buffer): this {
    return this.push(Buffer.from(buf));
  }
  get length(): number {
    return this.size;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** Reads TraCI primitives; any read past the end is a `TRACI_PROTOCOL` error, never a crash. */
export class TraciReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }
  private need(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new TraciError('TRACI_PROTOCOL', `truncated message: need ${n} bytes at offset ${this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
  ubyte(): number {
    return this.buf.readUInt8(this.need(1));
  }
  byte(): number {
    return this.buf.readInt8(this.need(1));
  }
  int(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  double(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  string(): string {
    const n = this.int();
    if (n < 0) throw new TraciError('TRACI_PROTOCOL', `negative string length ${n}`);
    const at = this.need(n);
    return this.buf.toString('latin1', at, at + n);
  }
  stringList(): string[] {
    const n = this.int();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.string());
    return out;
  }
  skip(n: number): void {
    this.need(n);
  }
  /** A command's length: one byte, or 0 followed by a 4-byte length for long commands. */
  commandLength(): number {
    const short = this.ubyte();
    return short > 0 ? short : this.int();
  }
  /** Reads a type tag and checks it against `expected`. */
  expectType(expected: number): void {
    const t = this.ubyte();
    if (t !== expected) {
      throw new TraciError(
        'TRACI_PROTOCOL',
        `expected type 0x${expected.toString(16)}, got 0x${t.toString(16)}`,
      );
    }
  }
  typedInt(): number {
    this.expectType(TYPE.INTEGER);
    return this.int();
  }
  typedDouble(): number {
    this.expectType(TYPE.DOUBLE);
    return this.double();
  }
  typedString(): string {
    this.expectType(TYPE.STRING);
    return this.string();
  }
  typedStringList(): string[] {
    this.expectType(TYPE.STRINGLIST);
    return this.stringList();
  }
  /** Reads any typed value (type tag + payload). */
  typed(): TraciValue {
    const t = this.ubyte();
    return this.valueOfType(t);
  }
  valueOfType(t: number): TraciValue {
    switch (t) {
      case TYPE.UBYTE:
        return this.ubyte();
      case TYPE.BYTE:
        return this.byte();
      case TYPE.INTEGER:
        return this.int();
      case TYPE.DOUBLE:
        return this.double();
      case TYPE.STRING:
        return this.string();
      case TYPE.STRINGLIST:
        return this.stringList();
      case TYPE.POSITION_2D:
        return { x: this.double(), y: this.double() };
      case TYPE.POSITION_3D: {
        const p = { x: this.double(), y: this.double() };
        this.double(); // z is not used by the bridge
        return p;
      }
      case TYPE.DOUBLELIST: {
        const n = this.int();
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push(this.double());
        return out;
      }
      case TYPE.COLOR:
        return [this.ubyte(), this.ubyte(), this.ubyte(), this.ubyte()];
      case TYPE.COMPOUND: {
        const n = this.int();
        const items: TraciValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.typed());
        return { compound: items };
      }
      default:
        throw new TraciError('TRACI_PROTOCOL', `unknown type tag 0x${t.toString(16)}`);
    }
  }
}

/** Frames one command: length byte (or 0 + int32 when > 255) then id then content. */
export function encodeCommand(commandId: number, content: Buffer): Buffer {
  const w = new TraciWriter();
  const shortLen = 1 + 1 + content.length;
  if (shortLen <= 255) w.ubyte(shortLen);
  else w.ubyte(0).int(shortLen + 4);
  return w.ubyte(commandId).bytes(content).toBuffer();
}

/** Frames a message: int32 total length (including these 4 bytes) then the commands. */
export function encodeMessage(commands: readonly Buffer[]): Buffer {
  const body = Buffer.concat(commands);
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length + 4);
  return Buffer.concat([head, body]);
}

/** Content of a get/set command: variable id, object id, then optional typed parameters. */
export function encodeVariableCommand(
  commandId: number,
  variable: number,
  objectId: string,
  params?: (w: TraciWriter) => void,
): Buffer {
  const w = new TraciWriter().ubyte(variable).string(objectId);
  params?.(w);
  return encodeCommand(commandId, w.toBuffer());
}

/** TraCI's INVALID_DOUBLE_VALUE; as subscription begin/end it means "from now, until the end". */
export const INVALID_DOUBLE = -1_073_741_824;

/** Content of a variable subscription: begin, end, object id, variables. */
export function encodeSubscription(
  commandId: number,
  objectId: string,
  variables: readonly number[],
  beginS = INVALID_DOUBLE,
  endS = INVALID_DOUBLE,
): Buffer {
  const w = new TraciWriter().double(beginS).double(endS).string(objectId).ubyte(variables.length);
  for (const v of variables) w.ubyte(v);
  return encodeCommand(commandId, w.toBuffer());
}

export interface StatusResponse {
  readonly commandId: number;
  readonly result: number;
  readonly description: string;
}

/** Reads a status response and throws SUMO's message when the status byte is not OK. */
export function readStatus(r: TraciReader, expectedCommand: number): StatusResponse {
  r.commandLength();
  const commandId = r.ubyte();
  const result = r.ubyte();
  const description = r.string();
  if (result === RTYPE.ERR) throw new TraciError('TRACI_COMMAND_FAILED', description, commandId);
  if (result === RTYPE.NOTIMPLEMENTED) {
    throw new TraciError('TRACI_NOT_IMPLEMENTED', description || 'not implemented', commandId);
  }
  if (result !== RTYPE.OK) {
    throw new TraciError('TRACI_PROTOCOL', `unknown status 0x${result.toString(16)}`, commandId);
  }
  if (commandId !== expectedCommand) {
    throw new TraciError(
      'TRACI_PROTOCOL',
      `status for command 0x${commandId.toString(16)}, expected 0x${expectedCommand.toString(16)}`,
      commandId,
    );
  }
  return { commandId, result, description };
}
