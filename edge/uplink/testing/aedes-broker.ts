/**
 * A bare aedes 1.x broker as a child process (`node --import tsx aedes-broker.ts PORT`), so a test
 * can SIGKILL it like a crashed broker. In-memory persistence: a restart loses sessions and
 * retained messages, the worst case for availability and replay.
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2]);
const broker = await Aedes.createBroker();
const server = createServer((socket) => broker.handle(socket));
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
