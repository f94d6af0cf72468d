/**
 * The serial boundary (zwave-js style): a tiny source/sink of bytes produced by one async factory.
 * The bus never touches serialport directly, so the same bus code runs on a real adapter, a socat
 * pty, or serialport's in-memory mock.
 */
import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { BindingError, err, ok, type Result, toBindingError } from '../../../core/ports/binding-error.ts';
import type { SerialLink, SerialLinkFactory, SerialLinkHandlers } from '../../../core/ports/serial.ts';

/** Anything serialport-shaped: SerialPort, SerialPortMock. */
export type PortConstructor = (opts: { path: string; baudRate: number; autoOpen: false }) => SerialPortStream;

export interface SerialPortLinkOptions {
  path: string;
  baudRate: number;
  /** Defaults to the real `SerialPort`; tests pass `SerialPortMock`. */
  createPort?: PortConstructor;
  isPresent?: () => Promise<boolean>;
}

const realPort: PortConstructor = (opts) => new SerialPort(opts);

export function serialPortLinkFactory(opts: SerialPortLinkOptions): SerialLinkFactory {
  const createPort = opts.createPort ?? realPort;
  return {
    path: opts.path,
    isPresent: opts.isPresent ?? (async () => existsSync(opts.path)),
    ...(opts.isPresent ? {} : { watchPresence: (onChange: () => void) => watchNode(opts.path, onChange) }),
    open: (handlers) => openPort(createPort, opts, handlers),
  };
}

/** Watches the folder of `path` for its name; a folder that cannot be watched leaves polling alone. */
function watchNode(path: string, onChange: () => void): () => void {
  const name = basename(path);
  try {
    const w = watch(dirname(path), (_event, file) => {
      if (file === null || file === name) onChange();
    });
    w.on('error', () => w.close());
    return () => w.close();
  } catch {
    return () => {};
  }
}

async function openPort(
  createPort: PortConstructor,
  opts: SerialPortLinkOptions,
  handlers: SerialLinkHandlers,
): Promise<Result<SerialLink>> {
  let port: SerialPortStream;
  try {
    port = createPort({ path: opts.path, baudRate: opts.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  } catch (e) {
    return err(toBindingError(e, 'SERIAL_OPEN_FAILED', `open ${opts.path}`));
  }
  let ended = false;
  let closing = false;
  const end = (error: BindingError | null): void => {
    if (ended) return;
    ended = true;
    handlers.onClose(error);
  };
  port.on('data', (chunk: Buffer) => handlers.onData(chunk));
  // A zero-byte read ends the stream while the port stays "open": the adapter is gone all the same.
  port.on('end', () => {
    end(new BindingError('SERIAL_DISCONNECTED', `${opts.path}: end of stream`));
    if (port.isOpen) port.close();
  });
  port.on('close', (e: Error | null | undefined) =>
    end(e && !closing ? toBindingError(e, 'SERIAL_DISCONNECTED', opts.path) : null),
  );
  // After open, any port error means the adapter is gone or broken: report it and let the bus reopen.
  port.on('error', (e: Error) => {
    end(toBindingError(e, 'SERIAL_DISCONNECTED', opts.path));
    if (port.isOpen) port.close();
  });
  return ok({
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        if (ended) return reject(new BindingError('SERIAL_NOT_CONNECTED', `${opts.path} is not open`));
        port.write(Buffer.from(data), (e) => {
          if (e) return reject(toBindingError(e, 'SERIAL_WRITE_FAILED', opts.path));
          port.drain((d) => (d ? reject(toBindingError(d, 'SERIAL_WRITE_FAILED', opts.path)) : resolve()));
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        if (!port.isOpen) {
          end(null);
          return resolve();
        }
        port.close(() => {
          end(null);
          resolve();
        });
      }),
  });
}
