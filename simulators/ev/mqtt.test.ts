/**
 * `sim ev` over MQTT (real SUMO, in-process aedes on a free port): one EV crosses the corridor;
 * its unit publishes positions, the dispatcher requests and cancels priority at each junction,
 * and the junction endpoints answer. A malformed command is answered with an error, not a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandResponse, topicFor } from '../../core/contract/index.ts';
import { type LocalBroker, startLocalBroker } from '../infra/local-broker.ts';
import { connectClient } from './mqtt-client.ts';
import { JUNCTION_SITE } from './mqtt-run.ts';
import { type EvTripReport, formatEvReport, resolveRoute, runEvTrip } from './run.ts';

/** Sends a command missing its vehicleId and ETA, and returns the endpoint's answer. */
async function sendMalformed(url: string): Promise<CommandResponse> {
  const client = await connectClient(url, 'ev-test-operator');
  try {
    const params = { site: JUNCTION_SITE, device: 'corridor-j1', command: 'priority.request' };
    const answer = new Promise<CommandResponse>((resolve) =>
      client.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()) as CommandResponse)),
    );
    await client.subscribeAsync(topicFor('commandResponse', params), { qos: 1 });
    const bad = { transaction: 'bad-1', args: { intersection: 'corridor-j1' } };
    await client.publishAsync(topicFor('command', params), JSON.stringify(bad), { qos: 1 });
    return await answer;
  } finally {
    await client.endAsync();
  }
}

describe('sim ev --mqtt', () => {
  let broker: LocalBroker;
  let report: EvTripReport;
  let malformed: CommandResponse | undefined;

  beforeAll(async () => {
    broker = await startLocalBroker();
    const route = await resolveRoute('corridor-eb');
    if (!route.ok) throw route.error;
    report = await runEvTrip({
      route: route.value,
      departS: 60,
      evs: 1,
      durationS: 240,
      transport: 'mqtt',
      brokerUrl: broker.url,
      onEndpointsReady: async (_endpoints, url) => {
        malformed = await sendMalformed(url);
      },
    });
  }, 90_000);
  afterAll(async () => broker?.close());

  it('requests priority at all three junctions over MQTT, answered ok, and cancels after each', () => {
    const m = report.mqtt;
    if (!m) throw new Error('no MQTT stats');
    expect(m.positionsPublished).toBeGreaterThan(60);
    expect(m.positions).toBe(m.positionsPublished);
    expect(m.responsesError).toBe(0);
    expect(m.timeouts).toBe(0);
    expect(m.settleTimeouts).toBe(0);
    expect(m.responsesOk).toBe(m.requests + m.cancels);
    expect(m.log.every((c) => c.status === 'ok' && c.args.vehicleId === 'ev-1')).toBe(true);
    const order = m.log.map((c) => `${c.command}:${c.args.intersection}`);
    expect(order.filter((x, i) => x !== order[i - 1])).toEqual([
      'priority.request:corridor-j1',
      'priority.cancel:corridor-j1',
      'priority.request:corridor-j2',
      'priority.cancel:corridor-j2',
      'priority.request:corridor-j3',
      'priority.cancel:corridor-j3',
    ]);
    for (const c of m.log) {
      if (!('etaTs' in c.args)) continue;
      expect(c.args.etaTs).toBeGreaterThan(c.atTs); // an arrival still ahead
      expect(c.args.approach).toBe('eastbound');
    }
  });

  it('is no slower with priority than without', () => {
    expect(report.withPriority.evs).toBe(1);
    expect(report.withPriority.travelS).toBeLessThanOrEqual(report.withoutPriority.travelS);
    expect(formatEvReport(report)).toMatch(/MQTT: \d+ positions published .* 0 timeouts/);
  });

  it('answers a malformed command with an error and counts it, without crashing', () => {
    expect(malformed).toMatchObject({
      status: 'error',
      transaction: 'bad-1',
      error: { code: 'CONTRACT_SCHEMA' },
    });
    const j1 = report.mqtt?.endpoints['corridor-j1'];
    expect(j1?.rejected).toBe(1);
    expect(j1?.byCode.CONTRACT_SCHEMA).toBe(1);
    // the dispatcher saw a response it had not asked for, and counted rather than matched it
    expect(report.mqtt?.rejected.SIM_EV_UNEXPECTED_RESPONSE).toBe(1);
  });
});
