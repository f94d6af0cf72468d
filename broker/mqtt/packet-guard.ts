/**
 * Maximum MQTT packet size, enforced on the byte stream before aedes reads a packet's body.
 * aedes 1.x and mqtt-packet have no such limit (aedes issue #831): the parser buffers a packet
 * until all of its remaining length has arrived, so a 100 MB PUBLISH was held whole in memory,
 * acknowledged and only then dead-lettered. Like mosquitto's `max_packet_size`, we read each
 * fixed header's remaining length [MQTT-2.2.3] as it arrives and close the connection when it is
 * over the limit. MQTT 3.1.1 has no reason codes, so closing is the only answer; the refusal is
 * logged and counted by the client-error handler (client-errors.ts).
 */
import type { Readable } from 'node:stream';
import { CityEdgeError } from '../../core/errors.ts';

export const PACKET_TOO_LARGE = 'BROKER_PACKET_TOO_LARGE';
export const PACKET_MALFORMED_LENGTH = 'BROKER_MALFORMED_LENGTH';

/**
 * Follows packet boundaries through a byte stream at O(1) memory: it reads each fixed header
 * (1 type byte + a 1–4 byte remaining length) and then skips the body by count, never copying it.
 */
export class PacketSizeScanner {
  /** Body bytes of the current packet still to pass. */
  private skip = 0;
  /** 0 = expecting a type byte, 1 = reading the remaining length. */
  private phase: 0 | 1 = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;

  constructor(private readonly maxRemainingBytes: number) {}

  /** Scans a chunk; returns an error as soon as a header announces too much, else null. */
  feed(buf: Uint8Array): CityEdgeError | null {
    let i = 0;
    while (i < buf.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      if (this.phase === 0) {
        this.phase = 1;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        i++;
        continue;
      }
      const b = buf[i++]!;
      this.length += (b & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      // Refuse while the length is still arriving: a partial value already over the limit is enough.
      if (this.length > this.maxRemainingBytes) {
        return new CityEdgeError(
          PACKET_TOO_LARGE,
          `packet announces ${b & 0x80 ? 'more than ' : ''}${this.length} bytes > limit ${this.maxRemainingBytes}`,
        );
      }
      if (b & 0x80) {
        // [MQTT-2.2.3] at most four bytes encode the remaining length.
        if (this.lengthBytes === 4)
          return new CityEdgeError(PACKET_MALFORMED_LENGTH, 'remaining length over 4 bytes');
        continue;
      }
      this.phase = 0;
      this.skip = this.length;
    }
    return null;
  }
}

/**
 * Puts a scanner in front of `conn.read()`, the only way aedes pulls bytes from a connection
 * (paused mode, `readable` + `read(null)`), so the parser never sees an oversized packet and the
 * socket is destroyed while its body is still in the kernel. Works for TCP, TLS and the
 * WebSocket stream alike, and keeps the original socket object (TLS peer certificate, address).
 */
export function guardPacketSize<T extends Readable>(conn: T, maxRemainingBytes: number): T {
  const scanner = new PacketSizeScanner(maxRemainingBytes);
  const read = conn.read.bind(conn);
  conn.read = (size?: number) => {
    const chunk: unknown = read(size);
    if (chunk === null || !(chunk instanceof Uint8Array)) return chunk;
    const refused = scanner.feed(chunk);
    if (!refused) return chunk;
    conn.destroy(refused);
    return null;
  };
  return conn;
}
