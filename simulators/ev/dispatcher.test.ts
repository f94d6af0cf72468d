/** The dispatcher alone, on a real aedes: ETAs from positions, re-sends, cancels and timeouts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterFor } from '../../core/contract/index.ts';
import { type LocalBroker, startLocalBroker } from '../infra/local-broker.ts';
import { PriorityDispatcher } from './dispatcher.ts';
import { connectClient } from './mqtt-client.ts';
import { startEvUnit } from './unit.ts';

describe('PriorityDispatcher', () => {
  let broker: LocalBroker;
  beforeAll(async () => {
    broker = await startLocalBroker();
  });
  afterAll(async () => broker?.close());

  it('requests within range, re-sends only on ETA drift, cancels when inactive, counts silent junctions as timeouts', async () => {
    // A junction that receives but never answers.
    const junction = await connectClient(broker.url, 'silent-junction');
    const received: string[] = [];
    junction.on('message', (topic) => received.push(topic.split('/').at(-1) ?? ''));
    await junction.subscribeAsync(filterFor('command', { site: 'town', device: 'x1' }), { qos: 1 });
    const d = await PriorityDispatcher.start({
      url: broker.url,
      fleetSite: 'fleet',
      junctionSite: 'town',
      routes: {
        r1: [{ intersection: 'x1', approach: 'eastbound', stopLineOffsetM: 500, detectionRangeM: 350 }],
      },
      responseTimeoutMs: 50,
    });
    const unit = await startEvUnit({ url: broker.url, site: 'fleet', vehicleId: 'amb-1', routeId: 'r1' });
    try {
      const fixes = [
        { ts: 1000, routeOffsetM: 100, speedMps: 10, active: true }, // 400 m out: not yet
        { ts: 2000, routeOffsetM: 200, speedMps: 10, active: true }, // request, ETA 32 000
        { ts: 3000, routeOffsetM: 210, speedMps: 10, active: true }, // ETA 32 000 again: silent
        { ts: 4000, routeOffsetM: 215, speedMps: 2, active: true }, // slow: ETA 61 000 → re-send
        { ts: 5000, routeOffsetM: 215, speedMps: 0, active: false }, // left the route: cancel
      ];
      for (const fix of fixes) {
        await unit.publish(fix);
        expect(await d.settle(new Map([['amb-1', fix.ts]]), 2000)).toBe(true);
      }
      expect(
        d.log.map((c) => [c.command, c.atTs, 'etaTs' in c.args ? c.args.etaTs : null, c.status]),
      ).toEqual([
        ['priority.request', 2000, 32_000, 'timeout'],
        ['priority.request', 4000, 61_000, 'timeout'],
        ['priority.cancel', 5000, null, 'timeout'],
      ]);
      expect(d.counts).toMatchObject({ positions: 5, requests: 2, cancels: 1, responsesOk: 0, timeouts: 3 });
      expect(received).toEqual(['priority.request', 'priority.request', 'priority.cancel']);
    } finally {
      await unit.close();
      await d.close();
      await junction.endAsync();
    }
  });
});
