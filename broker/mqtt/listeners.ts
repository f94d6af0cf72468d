/** MQTT listeners: plain TCP, TLS (optional client certificates) and WebSocket on the HTTP server. */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { type BrokerConfig, maxPacketBytes } from '../config.ts';
import { guardPacketSize } from './packet-guard.ts';

export interface Listeners {
  mqttPort: number;
  httpPort: number;
  tlsPort?: number;
  close(): Promise<void>;
}

const listen = (server: Server | HttpServer, port: number, host: string) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });

const closeServer = (server: Server | HttpServer) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });

export async function startListeners(
  broker: Aedes,
  config: BrokerConfig,
  http: RequestListener,
): Promise<Listeners> {
  const servers: (Server | HttpServer)[] = [];
  const maxPacket = maxPacketBytes(config.limits);
  // No Nagle: MQTT packets are small and latency matters more than a few extra TCP segments.
  const tcp = createTcpServer({ noDelay: true }, (socket) =>
    broker.handle(guardPacketSize(socket, maxPacket)),
  );
  // Headroom above the broker's own limit so refused clients get CONNACK 3, not a bare reset.
  const hardCap = config.limits.maxConnections + 100;
  tcp.maxConnections = hardCap;
  servers.push(tcp);
  const mqttPort = await listen(tcp, config.mqttPort, config.host);

  let tlsPort: number | undefined;
  if (config.tls) {
    const tls = createTlsServer(
      {
        cert: readFileSync(config.tls.certFile),
        key: readFileSync(config.tls.keyFile),
        ...(config.tls.caFile ? { ca: readFileSync(config.tls.caFile) } : {}),
        // Ask for a certificate but accept password logins too; authenticate() checks `authorized`.
        requestCert: Boolean(config.tls.caFile),
        rejectUnauthorized: false,
      },
      (socket) => {
        socket.setNoDelay(true);
        broker.handle(guardPacketSize(socket, maxPacket));
      },
    );
    tls.maxConnections = hardCap;
    servers.push(tls);
    tlsPort = await listen(tls, config.tls.port, config.host);
  }

  const httpServer = createHttpServer(http);
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/mqtt',
    // Per frame; an MQTT packet split over many frames is bounded by the packet guard below.
    maxPayload: maxPacket,
  });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => ws.terminate()); // a broken socket is the client's problem, not ours
    broker.handle(guardPacketSize(stream, maxPacket), req);
  });
  servers.push(httpServer);
  const httpPort = await listen(httpServer, config.httpPort, config.host);

  return {
    mqttPort,
    httpPort,
    ...(tlsPort === undefined ? {} : { tlsPort }),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await Promise.all(servers.map(closeServer));
    },
  };
}
