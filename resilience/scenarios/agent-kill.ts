/**
 * The edge agent process `kill -9`ed in the middle of a burst of bay-sensor frames on its serial
 * line (a socat pty), then restarted, as systemd's Restart=always would. What the agent had
 * accepted (committed to its on-disk outbox, or already forwarded to the broker) must all be in
 * InfluxDB afterwards, exactly once; frames that were still on the wire or arrived while no agent
 * was running are counted as not accepted, never as stored.
 *
 * "Accepted" is read from the outside: every frame the broker forwarded, plus every frame in the
 * outbox file read right after the kill and after the final clean stop. Because the serial line is
 * ordered, a frame missing between two accepted frames of one agent life was dropped by the agent
 * itself and counts as lost too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PtyPair, socatPair, waitFor } from '../../testing/servers.ts';
import {
  type AgentProcess,
  drainLine,
  Feeder,
  type Gateway,
  openGateway,
  outboxRaws,
  type Stack,
  spawnAgent,
  startStack,
  whileAgentRuns,
  writeAgentConfig,
} from '../lib/edge-rig.ts';
import { countPhases, lifeGaps } from '../lib/frames.ts';
import { secs, sleep, storedSensorKeys } from '../lib/storage.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'res-agent';
const DEVICE = 'gw-1';

interface Sizes {
  /** Frames per second outside the burst. */
  steady: number;
  beforeMs: number;
  burstFrames: number;
  burstRate: number;
  /** Fraction of the burst's duration after which the agent is killed. */
  killAt: number;
  deadMs: number;
  afterMs: number;
}

const QUICK: Sizes = {
  steady: 50,
  beforeMs: 2_000,
  burstFrames: 1_000,
  burstRate: 1_000,
  killAt: 0.4,
  deadMs: 2_000,
  afterMs: 3_000,
};
const FULL: Sizes = {
  steady: 100,
  beforeMs: 5_000,
  burstFrames: 5_000,
  burstRate: 1_000,
  killAt: 0.5,
  deadMs: 10_000,
  afterMs: 10_000,
};

export const scenario: Scenario = {
  name: 'agent-kill',
  what: 'edge agent process kill -9 mid-burst of serial bay-sensor frames, then restarted on its outbox',
  ci: true,
  async run(ctx) {
    const size = ctx.quick ? QUICK : FULL;
    const dir = await mkdtemp(join(tmpdir(), 'cityedge-res-agent-'));
    let stack: Stack | null = null;
    let pty: PtyPair | null = null;
    let gateway: Gateway | null = null;
    let feeder: Feeder | null = null;
    const agents: AgentProcess[] = [];
    try {
      stack = await startStack(dir, SITE, DEVICE);
      const s = stack;
      pty = await socatPair({ dir });
      const cfg = writeAgentConfig(dir, {
        site: SITE,
        device: DEVICE,
        mqttPort: s.broker.mqttPort,
        creds: s.creds,
        serialPath: pty.devicePath,
      });
      gateway = await openGateway(pty.peerPath);
      const first = spawnAgent(cfg.configPath);
      agents.push(first);
      await whileAgentRuns(first, () => s.births > 0, 'first agent online');
      const f = new Feeder(gateway, size.steady);
      feeder = f;
      await whileAgentRuns(first, () => s.received.length > 0, 'first agent forwarding frames');
      const flowingAfterMs = Date.now() - f.startedAt;

      await sleep(size.beforeMs);
      const burstFrom = f.sent;
      f.setRate(size.burstRate);
      const burstMs = (size.burstFrames / size.burstRate) * 1000;
      await sleep(burstMs * size.killAt);
      await first.kill();
      const killedAt = Date.now();
      const killSeq = f.sent;
      ctx.log(`agent killed at frame ${killSeq} (${killSeq - burstFrom} burst frames written)`);
      // Read while no agent runs: what the dead agent had committed but not yet delivered.
      const atKill = outboxRaws(cfg.outboxPath);
      // What the agent had not even read: still in the line's buffers, ahead of frame killSeq.
      const unread = await drainLine(pty.devicePath, killSeq);
      await sleep(burstMs * (1 - size.killAt));
      f.setRate(size.steady);
      const burstTo = f.sent;
      await sleep(size.deadMs - (Date.now() - killedAt));

      const beforeRestart = new Set(s.received);
      const receivedAtRestart = s.received.length;
      const restartSeq = f.sent;
      const restartedAt = Date.now();
      const second = spawnAgent(cfg.configPath);
      agents.push(second);
      const births = s.births;
      await whileAgentRuns(second, () => s.births > births, 'restarted agent online');
      const onlineMs = Date.now() - restartedAt;
      const onlineSeq = f.sent;
      await whileAgentRuns(second, () => s.received.length > receivedAtRestart, 'restarted agent forwarding');
      const backMs = Date.now() - restartedAt;
      await sleep(size.afterMs);
      await f.stop();
      const last = f.sent - 1;
      await waitFor(() => s.firstSeenAt.has(last), 60_000, 'last frame forwarded').catch(() => {});
      await second.stop(); // clean: commits and keeps whatever is still undelivered
      const atEnd = outboxRaws(cfg.outboxPath);
      const drained = (await s.broker.ingest?.drained(60_000)) ?? false;

      const accepted = new Set<number>([...s.firstSeenAt.keys(), ...atKill, ...atEnd]);
      const life1 = new Set<number>([...beforeRestart, ...atKill]);
      const life2 = [...accepted].filter((x) => !life1.has(x));
      // Life 2 runs until the last frame: the agent was up and reading when the feeder stopped.
      const gaps = [
        ...lifeGaps([...life1], accepted, f.undeliverable),
        ...lifeGaps(life2, accepted, f.undeliverable, last),
      ];
      const store = await storedSensorKeys(s.influxPort, SITE, { kind: 'heartbeat' });
      const storedSet = new Set([...accepted].filter((x) => store.keys.has(`${DEVICE}/${x}`)));
      const notStored = [...accepted].filter((x) => !storedSet.has(x));
      const phases = countPhases(
        f.sent,
        [
          ['before the burst', 0],
          ['burst, before the kill', burstFrom],
          ['burst after the kill + agent down', killSeq],
          ['steady, agent down', burstTo],
          ['agent restarting (port not yet open)', restartSeq],
          ['after the restarted agent was online', onlineSeq],
        ],
        accepted,
        storedSet,
      );
      const preKill = [...Array(killSeq).keys()];
      const unreadPre = preKill.filter((x) => unread.has(x)).length;
      // Read from the line by the agent, not yet committed when it died: the outbox's documented
      // window (one event-loop turn of group commit), plus bytes inside the agent's read buffers.
      const inHand = preKill.filter(
        (x) => !accepted.has(x) && !unread.has(x) && x >= Math.min(...life1),
      ).length;
      const resentAfter = s.received.length - receivedAtRestart - life2.length;
      const notes = [
        `${f.sent} frames (${size.steady}/s steady, burst of ${size.burstFrames} at ${size.burstRate}/s); agent killed ${Math.round(size.killAt * 100)}% into the burst, down ${secs(restartedAt - killedAt)}, online again ${secs(onlineMs)} and forwarding ${secs(backMs)} after its restart`,
        ...phases,
        `frames sent before the kill but not accepted: ${unreadPre} still unread on the line (drained from the pty after the kill), ${inHand} read by the agent but not yet committed`,
        `outbox at the kill: ${atKill.length} committed, undelivered; at the end: ${atEnd.length}; broker forwards after the restart that were re-sends of already-seen frames: ${Math.max(0, resentAfter)} (same envelope id → same InfluxDB point)`,
        `first frame forwarded ${secs(flowingAfterMs)} after the feeder started; undeliverable writes: ${f.undeliverable.size}; gaps inside an agent life: ${gaps.length}`,
        `InfluxDB rows ${store.rows}, distinct ${store.keys.size}; ingest drained: ${drained}`,
      ];
      if (notStored.length) notes.push(`accepted but not stored: ${notStored.slice(0, 10).join(', ')}`);
      if (gaps.length) notes.push(`dropped inside a life: ${gaps.slice(0, 10).join(', ')}`);
      const stalls: string[] = [];
      if (life2.length === 0) stalls.push('nothing new accepted after the restart');
      if (!drained) stalls.push('ingest did not drain');
      return {
        sent: f.sent,
        acknowledged: accepted.size,
        stored: storedSet.size,
        lost: notStored.length + gaps.length,
        duplicated: store.duplicated,
        stalls,
        notes,
      };
    } finally {
      await feeder?.stop();
      for (const a of agents) await a.kill();
      await gateway?.close();
      await pty?.stop();
      await stack?.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
