/**
 * The bay-sensor serial line unplugged and replugged while frames flow: the socat pty pair the
 * real edge agent process reads is SIGKILLed (its device links dangle, like a yanked USB RS-485
 * adapter) and started again on the same paths. The agent must notice, reopen the port by itself
 * and forward every frame sent once its port is open again, each stored exactly once.
 *
 * Frames are sorted by when they were sent: while unplugged they have nowhere to go (counted as
 * not delivered, not as lost); every frame sent after the replug must arrive, including those
 * sent before the agent had reopened the port (serialport flushes a port's input when it opens
 * it, so the agent's reopen latency is a loss window: it watches the device folder for that).
 * Frames still in the line's buffers when it was unplugged go with the line (reported).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PtyPair, socatPair, waitFor } from '../../testing/servers.ts';
import {
  type AgentProcess,
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
import { lifeGaps } from '../lib/frames.ts';
import { secs, sleep, storedSensorKeys } from '../lib/storage.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'res-serial';
const DEVICE = 'gw-1';

interface Sizes {
  rate: number;
  /** Frames flow this long before the first unplug and after each replug. */
  connectedMs: number;
  unpluggedMs: number;
  cycles: number;
}

const QUICK: Sizes = { rate: 100, connectedMs: 2_000, unpluggedMs: 2_000, cycles: 2 };
const FULL: Sizes = { rate: 100, connectedMs: 10_000, unpluggedMs: 10_000, cycles: 3 };

interface Cycle {
  unplugSeq: number;
  replugSeq: number;
  replugAt: number;
  /** First frame sent after the replug that the agent forwarded, and when it was sent. */
  firstSeq: number | null;
  reopenMs: number | null;
}

export const scenario: Scenario = {
  name: 'serial-replug',
  what: 'bay-sensor serial line unplugged and replugged (socat pty pair killed and restarted) while frames flow to the real agent',
  ci: true,
  async run(ctx) {
    const size = ctx.quick ? QUICK : FULL;
    const dir = await mkdtemp(join(tmpdir(), 'cityedge-res-serial-'));
    const devicePath = join(dir, 'ttyAgent');
    const peerPath = join(dir, 'ttySensors');
    let stack: Stack | null = null;
    let pty: PtyPair | null = null;
    let gateway: Gateway | null = null;
    let feeder: Feeder | null = null;
    let agent: AgentProcess | null = null;
    try {
      stack = await startStack(dir, SITE, DEVICE);
      const s = stack;
      pty = await socatPair({ dir, devicePath, peerPath });
      const cfg = writeAgentConfig(dir, {
        site: SITE,
        device: DEVICE,
        mqttPort: s.broker.mqttPort,
        creds: s.creds,
        serialPath: devicePath,
      });
      gateway = await openGateway(peerPath);
      const a = spawnAgent(cfg.configPath);
      agent = a;
      await whileAgentRuns(a, () => s.births > 0, 'agent online');
      ctx.log('agent online');
      const f = new Feeder(gateway, size.rate);
      feeder = f;
      await whileAgentRuns(a, () => s.received.length > 0, 'agent forwarding frames');
      ctx.log('agent forwarding');

      const cycles: Cycle[] = [];
      for (let c = 0; c < size.cycles; c++) {
        await sleep(size.connectedMs);
        // Unplug: socat dies without tidying up (links dangle), then the gateway loses its end.
        f.plug(null);
        const unplugSeq = f.sent;
        ctx.log(`unplugging at frame ${unplugSeq}`);
        await pty?.kill();
        pty = null;
        const g = gateway;
        gateway = null;
        await g?.close();
        ctx.log('unplugged');
        await sleep(size.unpluggedMs);
        pty = await socatPair({ dir, devicePath, peerPath });
        gateway = await openGateway(peerPath);
        ctx.log('replugged');
        const replugSeq = f.sent;
        const replugAt = Date.now();
        f.plug(gateway);
        const cycle: Cycle = { unplugSeq, replugSeq, replugAt, firstSeq: null, reopenMs: null };
        cycles.push(cycle);
        await whileAgentRuns(
          a,
          () => [...s.firstSeenAt.keys()].some((x) => x >= replugSeq),
          'agent forwarding after the replug',
        ).catch(() => {}); // a dead line shows up as lost frames and a stall below
        const after = [...s.firstSeenAt.keys()].filter((x) => x >= replugSeq);
        if (after.length) {
          cycle.firstSeq = Math.min(...after);
          cycle.reopenMs = (f.sentAt[cycle.firstSeq] ?? replugAt) - replugAt;
        }
        ctx.log(`replugged at frame ${replugSeq}; first forwarded frame ${cycle.firstSeq}`);
      }
      await sleep(size.connectedMs);
      await f.stop();
      const last = f.sent - 1;
      await waitFor(() => s.firstSeenAt.has(last), 30_000, 'last frame forwarded').catch(() => {});
      await a.stop();
      const atEnd = outboxRaws(cfg.outboxPath);
      const drained = (await s.broker.ingest?.drained(60_000)) ?? false;

      const accepted = new Set<number>([...s.firstSeenAt.keys(), ...atEnd]);
      // Link lives: from the start (or a replug) to the next unplug (or the last frame).
      const bounds = [0, ...cycles.map((c) => c.replugSeq), f.sent];
      const ends = [...cycles.map((c) => c.unplugSeq), f.sent];
      const gaps: number[] = [];
      let inLineAtUnplug = 0;
      let reopenWindow = 0;
      for (let i = 0; i < bounds.length - 1; i++) {
        const from = bounds[i]!;
        const end = ends[i]!;
        const life = [...accepted].filter((x) => x >= from && x < end);
        const isLast = i === bounds.length - 2;
        // Only the last life runs to a known end (the agent was reading when the feeder stopped);
        // the others end at an unplug, where the frames still buffered go with the line.
        gaps.push(...lifeGaps(life, accepted, f.undeliverable, isLast ? last : undefined));
        const lastAccepted = life.length ? Math.max(...life) : from - 1;
        if (!isLast) inLineAtUnplug += end - 1 - lastAccepted;
        const firstAccepted = life.length ? Math.min(...life) : end;
        if (i > 0) for (let x = from; x < firstAccepted; x++) if (!f.undeliverable.has(x)) reopenWindow++;
      }
      const store = await storedSensorKeys(s.influxPort, SITE, { kind: 'heartbeat' });
      const storedSet = new Set([...accepted].filter((x) => store.keys.has(`${DEVICE}/${x}`)));
      const notStored = [...accepted].filter((x) => !storedSet.has(x));
      const unplugged = f.undeliverable.size;
      const afterLast = cycles.at(-1)?.replugSeq ?? 0;
      const afterLastStored = [...storedSet].filter((x) => x >= afterLast).length;
      const notes = [
        `${f.sent} frames at ${size.rate}/s; ${size.cycles} unplug/replug cycles, each unplugged ${secs(size.unpluggedMs)}`,
        ...cycles.map(
          (c, i) =>
            `cycle ${i + 1}: unplugged at frame ${c.unplugSeq}, replugged at ${c.replugSeq}; agent forwarding again from frame ${c.firstSeq ?? 'never'} (${c.reopenMs === null ? '-' : `${c.reopenMs} ms`} after the replug)`,
        ),
        `not delivered: ${unplugged} sent while unplugged, ${inLineAtUnplug} still in the line's buffers at an unplug; lost in the reopen window (sent after a replug, before the agent had the port open): ${reopenWindow}`,
        `forwarded after the last replug: ${afterLastStored} stored of ${f.sent - afterLast} sent; gaps while the port was open: ${gaps.length}`,
        `outbox at the end: ${atEnd.length}; InfluxDB rows ${store.rows}, distinct ${store.keys.size}; ingest drained: ${drained}`,
      ];
      if (notStored.length) notes.push(`accepted but not stored: ${notStored.slice(0, 10).join(', ')}`);
      if (gaps.length) notes.push(`dropped while the port was open: ${gaps.slice(0, 10).join(', ')}`);
      const stalls: string[] = [];
      for (const [i, c] of cycles.entries())
        if (c.firstSeq === null) stalls.push(`the agent never read the line again after replug ${i + 1}`);
      if (!drained) stalls.push('ingest did not drain');
      return {
        sent: f.sent,
        acknowledged: accepted.size,
        stored: storedSet.size,
        lost: notStored.length + gaps.length + reopenWindow,
        duplicated: store.duplicated,
        stalls,
        notes,
      };
    } finally {
      await feeder?.stop();
      await agent?.kill();
      await gateway?.close();
      await pty?.stop();
      await stack?.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
