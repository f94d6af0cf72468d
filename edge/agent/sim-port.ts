/**
 * Simulated profile only: a loopback HTTP endpoint so simulators in another process can drive the
 * agent's simulated GPIO inputs and read its outputs (the REAL agent runs; only the pins are fake).
 *   GET /gpio            → { lines: { "17": 0, … } }
 *   GET /gpio/17         → { line: 17, level: 0 }
 *   PUT /gpio/17  body 1 → drives line 17 high (as a loop detector would)
 */
import { createServer, type Server } from 'node:http';
import type { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';

const LINES = 54;

export async function startSimulatorPort(
  gpio: SimulatedGpio,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const m = /^\/gpio(?:\/(\d+))?$/.exec(req.url ?? '');
    if (!m) return send(404, { error: 'not found' });
    const line = m[1] === undefined ? null : Number(m[1]);
    if (line !== null && line >= LINES) return send(400, { error: `line must be 0..${LINES - 1}` });
    if (req.method === 'GET') {
      if (line !== null) return send(200, { line, level: gpio.level(line) });
      return send(200, {
        lines: Object.fromEntries(Array.from({ length: LINES }, (_, i) => [i, gpio.level(i)])),
      });
    }
    if (req.method !== 'PUT' || line === null)
      return send(405, { error: 'GET /gpio[/line] or PUT /gpio/line' });
    let body = '';
    req.on('data', (d: Buffer) => {
      body = (body + d.toString()).slice(0, 64);
    });
    req.on('end', () => {
      const v = body.trim();
      if (v !== '0' && v !== '1') return send(400, { error: 'body must be 0 or 1' });
      gpio.drive(line, v === '1' ? 1 : 0);
      send(200, { line, level: gpio.level(line) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
