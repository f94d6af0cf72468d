/**
 * One TCP connection to SUMO. TraCI is strictly request/response: the client sends a message
 * (int32 length + commands) and SUMO answers with one message, so requests are queued and
 * sent one at a time.
 */
import { type Socket, createConnection } from 'node:net';
import { Backoff, retryUntil } from '../../../core/retry.ts';
import { TraciReader, encodeMessage } from './codec.ts';
import { TraciError } from './errors.ts';

export interface ConnectOptions {
  readonly host?: string;
  readonly port: number;
  /** Total time to keep retrying while SUMO starts up and opens its port. */
  readonly timeoutMs?: number;
  /** Time allowed for one answer; SUMO steps are fast, so a silent SUMO is a fault. */
  readonly replyTimeoutMs?: number;
}

interface Pending {
  resolve: (r: TraciReader) => void;
  reject: (e: TraciError) => void;
  timer: NodeJS.Timeout;
}

export class TraciConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closedError: TraciError | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly replyTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new TraciError('TRACI_CLOSED', `socket error: ${err.message}`)));
    socket.on('close', () => this.fail(new TraciError('TRACI_CLOSED', 'connection closed by SUMO')));
  }

  /** Connects, retrying until `timeoutMs` because a freshly spawned SUMO needs a moment. */
  static async open(opts: ConnectOptions): Promise<TraciConnection> {
    const host = opts.host ?? '127.0.0.1';
    // A fixed 50 ms poll: SUMO opens its port within a second or two of starting.
    const backoff = new Backoff({ initialMs: 50, maxMs: 50, factor: 1 });
    try {
      const socket = await retryUntil(() => connectOnce(host, opts.port), {
        timeoutMs: opts.timeoutMs ?? 10_000,
        backoff,
      });
      return new TraciConnection(socket, opts.replyTimeoutMs ?? 30_000);
    } catch (err) {
      const lastError = err instanceof Error ? err.message : String(err);
      throw new TraciError(
        'TRACI_CONNECT_FAILED',
        `cannot connect to SUMO at ${host}:${opts.port}: ${lastError}`,
      );
    }
  }

  /** Sends the commands as one message and resolves with a reader over the answer's body. */
  request(commands: readonly Buffer[]): Promise<TraciReader> {
    const run = (): Promise<TraciReader> => this.send(encodeMessage(commands));
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  destroy(): void {
    this.closedError ??= new TraciError('TRACI_CLOSED', 'connection closed by client');
    this.socket.destroy();
  }

  private send(message: Buffer): Promise<TraciReader> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<TraciReader>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new TraciError('TRACI_TIMEOUT', `no answer from SUMO within ${this.replyTimeoutMs} ms`));
        this.destroy();
      }, this.replyTimeoutMs);
      this.pending = { resolve, reject, timer };
      this.socket.write(message);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 4) {
      const total = this.buffered.readInt32BE(0);
      if (total < 4) {
        this.fail(new TraciError('TRACI_PROTOCOL', `bad message length ${total}`));
        return;
      }
      if (this.buffered.length < total) return;
      const body = this.buffered.subarray(4, total);
      this.buffered = this.buffered.subarray(total);
      const p = this.pending;
      this.pending = undefined;
      if (!p) {
        this.fail(new TraciError('TRACI_PROTOCOL', 'unsolicited message from SUMO'));
        return;
      }
      clearTimeout(p.timer);
      p.resolve(new TraciReader(Buffer.from(body)));
    }
  }

  private fail(err: TraciError): void {
    this.closedError ??= err;
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}

function connectOnce(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host, port });
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (err) => {
      s.destroy();
      reject(err);
    });
  });
}
