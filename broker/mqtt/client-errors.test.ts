/**
 * Connections aedes closes are counted once, under the right name: a refused login or client id
 * is counted by the authenticate hook (mqtt.refused.auth / .clientid), not also as malformed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connackCode, startTestBroker, type TestBroker } from '../testing.ts';
import { classifyClientError } from './client-errors.ts';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('classifyClientError', () => {
  it('leaves refusals decided by our hooks to the hooks, names aedes own CONNACK refusals', () => {
    const ours = Object.assign(new Error('not authorised'), { returnCode: 4, errorCode: 4 });
    const aedes = Object.assign(new Error('unacceptable protocol version'), { errorCode: 1 });
    expect(classifyClientError(ours)).toBeNull();
    expect(classifyClientError(aedes)).toBe('refused.connect');
    expect(classifyClientError(new Error('Invalid header flag bits'))).toBe('refused.malformed');
  });
});

describe('on a real broker', () => {
  it('a wrong password and a foreign client id are counted once each, not as malformed', async () => {
    const url = `mqtt://127.0.0.1:${broker.mqttPort}`;
    const other = await broker.addDevice('count', 'other');
    await broker.addDevice('count', 'gw-1');
    expect(await connackCode(url, { username: 'count.gw-1', password: 'wrong-password' })).toBe(4);
    expect(await connackCode(url, { ...other, clientId: 'count.gw-1' })).toBe(2);
    expect(broker.counters.get('mqtt.refused.auth')).toBe(1);
    expect(broker.counters.get('mqtt.refused.clientid')).toBe(1);
    expect(broker.counters.get('mqtt.refused.malformed')).toBe(0);
  });
});
