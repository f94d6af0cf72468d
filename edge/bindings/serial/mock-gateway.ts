/**
 * In-memory sensor gateway on serialport's SerialPortMock: the agent side opens it through the normal
 * link factory (same code path as a real adapter); the test or simulator side sends frames, reads what
 * the agent wrote, and unplugs/replugs the "USB adapter". Uses `SerialPortMock.binding` — importing
 * @serialport/binding-mock separately loads a second copy in ESM (see FIELD-NOTES).
 */
import { SerialPortMock } from 'serialport';
import type { SerialLinkFactory } from '../../../core/ports/serial.ts';
import { serialPortLinkFactory } from './link.ts';
import { encodeFrame, type SensorMessage } from '../../../core/ports/serial-frames.ts';

let instances = 0;

export class MockSerialGateway {
  readonly link: SerialLinkFactory;
  private present = true;
  private current: SerialPortMock | null = null;
  private readonly writtenBefore: Buffer[] = [];

  constructor(
    readonly path = `/dev/ttyMOCK${instances++}`,
    baudRate = 19200,
  ) {
    SerialPortMock.binding.createPort(path, { record: true });
    this.link = serialPortLinkFactory({
      path,
      baudRate,
      // While unplugged, open a path the mock does not know, so open fails like a missing /dev node.
      createPort: (o) => {
        const port = new SerialPortMock({ ...o, path: this.present ? o.path : `${o.path}.unplugged` });
        if (this.present) this.current = port;
        return port;
      },
      isPresent: async () => this.present,
    });
  }

  /** True when the agent currently holds the port open. */
  isOpen(): boolean {
    return this.current?.isOpen ?? false;
  }

  /** Gateway → agent bytes. Returns false when the agent has no open port (bytes are lost, as on a wire). */
  send(bytes: Uint8Array): boolean {
    const binding = this.current?.port;
    if (!binding || !this.current?.isOpen) return false;
    binding.emitData(Buffer.from(bytes));
    return true;
  }

  sendMessage(msg: SensorMessage): boolean {
    return this.send(encodeFrame(msg));
  }

  /** Every byte the agent wrote, across reconnects. */
  received(): Buffer {
    return Buffer.concat([...this.writtenBefore, this.current?.port?.recording ?? Buffer.alloc(0)]);
  }

  /** Pulls the adapter: the open port is closed with a disconnect error and the path disappears. */
  unplug(): void {
    this.present = false;
    const port = this.current;
    this.current = null;
    if (port?.port) this.writtenBefore.push(port.port.recording);
    if (port?.isOpen)
      port.close(undefined, Object.assign(new Error('device unplugged'), { disconnected: true }));
  }

  replug(): void {
    this.present = true;
  }
}
