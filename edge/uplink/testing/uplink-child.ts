/**
 * A minimal agent for crash tests: uplink + durable queue in a child process.
 * `node --import tsx uplink-child.ts URL DB SITE DEVICE START COUNT`
 * enqueues sensor readings START..START+COUNT-1 in bursts of 200 per event-loop turn and prints
 * `committed N` (the highest index durably queued) after every commit, so a test knows exactly
 * what "queued" means before it sends SIGKILL.
 */
import { buildMessage } from '../../../core/contract/index.ts';
import { openQueue } from '../../queue/durable-queue.ts';
import { createUplink } from '../uplink.ts';

const [url, db, site, device, startArg, countArg] = process.argv.slice(2);
const start = Number(startArg);
const count = Number(countArg);
const opened = openQueue({ path: db! });
if (!opened.ok) throw opened.error;
const queue = opened.value;
const uplink = createUplink(
  { url: url!, clientId: `${site}.${device}`, site: site!, device: device!, reconnectPeriodMs: 200 },
  queue,
);
uplink.start();
uplink.onConnect(() => process.stdout.write('connected\n'));

const params = { site: site!, device: device!, sensor: 's1' };
let next = start;
const burst = () => {
  const end = Math.min(start + count, next + 200);
  let last = -1;
  const commits: Promise<unknown>[] = [];
  for (; next < end; next++) {
    const n = next;
    const m = buildMessage(
      'sensorReading',
      params,
      { sensor: 's1', kind: 'heartbeat', raw: n },
      { ts: Date.now() },
    );
    commits.push(uplink.send(m));
    last = n;
  }
  if (last >= 0) void Promise.all(commits).then(() => process.stdout.write(`committed ${last}\n`));
  if (next < start + count) setImmediate(burst);
};
burst();
setInterval(
  () => process.stdout.write(`delivered ${uplink.stats().delivered} depth ${queue.stats().depth}\n`),
  200,
);
process.on('SIGTERM', () => {
  void uplink.stop().then(() => {
    queue.close();
    process.exit(0);
  });
});
