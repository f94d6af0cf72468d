/**
 * JPEG snapshot over HTTP(S), as IP cameras offer (e.g. /ISAPI/Streaming/channels/1/picture,
 * /cgi-bin/snapshot.cgi). Basic auth is supported; digest auth is not (put a proxy in front or enable
 * basic auth on the camera's snapshot user). The timeout covers headers AND body.
 */
import { BindingError, toBindingError } from '../../../core/ports/binding-error.ts';
import { type Camera, isJpeg } from '../../../core/ports/camera.ts';

export interface HttpCameraOptions {
  name: string;
  url: string;
  /** Default 5 s. */
  timeoutMs?: number;
  username?: string;
  password?: string;
  /** Refuse bodies larger than this (default 10 MB): a misconfigured URL may stream video forever. */
  maxBytes?: number;
  /** Injected fetch (tests, proxies); defaults to Node's global fetch. */
  fetch?: typeof fetch;
}

export class HttpCamera implements Camera {
  readonly name: string;
  private closed = false;
  private readonly inflight = new Set<AbortController>();

  constructor(private readonly opts: HttpCameraOptions) {
    this.name = opts.name;
  }

  async snapshot(): Promise<Buffer> {
    if (this.closed) throw new BindingError('CAMERA_CLOSED', `${this.name} is closed`);
    const ctrl = new AbortController();
    const timeoutMs = this.opts.timeoutMs ?? 5000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
    this.inflight.add(ctrl);
    try {
      return await this.fetchJpeg(ctrl.signal);
    } catch (e) {
      if (timedOut)
        throw new BindingError('CAMERA_TIMEOUT', `${this.name}: no complete image within ${timeoutMs} ms`, e);
      if (this.closed) throw new BindingError('CAMERA_CLOSED', `${this.name} closed during snapshot`, e);
      throw toBindingError(e, 'CAMERA_NETWORK', `${this.name}`);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(ctrl);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.inflight) c.abort();
  }

  private headers(): Record<string, string> {
    const { username, password } = this.opts;
    if (username === undefined) return {};
    const token = Buffer.from(`${username}:${password ?? ''}`).toString('base64');
    return { authorization: `Basic ${token}` }; // RFC 7617
  }

  private async fetchJpeg(signal: AbortSignal): Promise<Buffer> {
    const doFetch = this.opts.fetch ?? fetch;
    const res = await doFetch(this.opts.url, { headers: this.headers(), signal, redirect: 'follow' });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new BindingError('CAMERA_HTTP_STATUS', `${this.name}: HTTP ${res.status} ${res.statusText}`, {
        status: res.status,
      });
    }
    const body = await this.readBody(res);
    // Check the bytes, not Content-Type: cameras often mislabel, and a truncated JPEG has the right type.
    if (!isJpeg(body)) {
      const type = res.headers.get('content-type') ?? 'unknown type';
      throw new BindingError(
        'CAMERA_NOT_JPEG',
        `${this.name}: response is not a complete JPEG (${type}, ${body.length} bytes)`,
      );
    }
    return body;
  }

  private async readBody(res: Response): Promise<Buffer> {
    const max = this.opts.maxBytes ?? 10 * 1024 * 1024;
    if (!res.body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let total = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => {});
        throw new BindingError('CAMERA_NOT_JPEG', `${this.name}: body larger than ${max} bytes`);
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks);
  }
}
