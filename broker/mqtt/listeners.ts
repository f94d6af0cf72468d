/**
 * Listeners: MQTT over plain TCP and TLS (optional client certificates), and the HTTP API with
 * MQTT over WebSocket at /mqtt, plain and/or HTTPS. `tls.only` opens the TLS ones alone.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { type BrokerConfig, maxPacketBytes } from '../config.ts';
import { guardPacketSize } from './packet-guard.ts';

/** Bound ports; a listener that is off (see `tls`) has none. */
export interface Listeners {
  mqttPort?: number;
  httpPort?: number;
  tlsPort?: number;
  httpsPort?: number;
  close(): Promise<void>;
}

type TlsConfig = NonNullable<BrokerConfig['tls']>;

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

/** The one certificate and key both TLS listeners (MQTT and HTTPS) present. */
const credentials = (tls: TlsConfig) => ({
  cert: readFileSync(tls.certFile),
  key: readFileSync(tls.keyFile),
});

export async function startListeners(
  broker: Aedes,
  config: BrokerConfig,
  http: RequestListener,
): Promise<Listeners> {
  const servers: (Server | HttpServer)[] = [];
  const sockets: WebSocketServer[] = [];
  const maxPacket = maxPacketBytes(config.limits);
  const open = async (server: Server | HttpServer, port: number) => {
    servers.push(server);
    return listen(server, port, config.host);
  };
  // Headroom above the broker's own limit so refused clients get CONNACK 3, not a bare reset.
  const hardCap = config.limits.maxConnections + 100;
  const tls = config.tls;
  const plain = !tls?.only;
  const bound: Omit<Listeners, 'close'> = {};
  try {
    if (plain) {
      // No Nagle: MQTT packets are small and latency matters more than a few extra TCP segments.
      const tcp = createTcpServer({ noDelay: true }, (socket) =>
        broker.handle(guardPacketSize(socket, maxPacket)),
      );
      tcp.maxConnections = hardCap;
      bound.mqttPort = await open(tcp, config.mqttPort);
    }
    if (tls) {
      const server = mqttTlsServer(broker, tls, maxPacket);
      server.maxConnections = hardCap;
      bound.tlsPort = await open(server, tls.port);
    }
    if (plain) {
      const server = createHttpServer(http);
      sockets.push(mqttOverWebSocket(broker, server, maxPacket));
      bound.httpPort = await open(server, config.httpPort);
    }
    if (tls?.httpsPort !== undefined) {
      // No client certificates asked here: a browser would pop up a certificate picker, and users
      // log in with a token anyway (devices with certificates use the MQTT TLS port).
      const server = createHttpsServer(credentials(tls), http);
      sockets.push(mqttOverWebSocket(broker, server, maxPacket));
      bound.httpsPort = await open(server, tls.httpsPort);
    }
  } catch (e) {
    // A port in use must not leave the listeners opened before it running.
    await closeAll(sockets, servers);
    throw e;
  }
  return { ...bound, close: () => closeAll(sockets, servers) };
}

function mqttTlsServer(broker: Aedes, tls: TlsConfig, maxPacket: number): Server {
  return createTlsServer(
    {
      ...credentials(tls),
      ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
      // Ask for a certificate but accept password logins too; authenticate() checks `authorized`.
      requestCert: Boolean(tls.caFile),
      rejectUnauthorized: false,
    },
    (socket) => {
      socket.setNoDelay(true);
      broker.handle(guardPacketSize(socket, maxPacket));
    },
  );
}

/** MQTT over WebSocket at /mqtt on an HTTP or HTTPS server. */
function mqttOverWebSocket(broker: Aedes, server: HttpServer, maxPacket: number): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    path: '/mqtt',
    // Per frame; an MQTT packet split over many frames is bounded by the packet guard below.
    maxPayload: maxPacket,
  });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => ws.terminate()); // a broken socket is the client's problem, not ours
    broker.handle(guardPacketSize(stream, maxPacket), req);
  });
  return wss;
}

async function closeAll(sockets: WebSocketServer[], servers: (Server | HttpServer)[]): Promise<void> {
  for (const wss of sockets) for (const c of wss.clients) c.terminate();
  await Promise.all(sockets.map((wss) => new Promise<void>((resolve) => wss.close(() => resolve()))));
  await Promise.all(servers.filter((s) => s.listening).map(closeServer));
}
