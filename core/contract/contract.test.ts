import { describe, expect, it } from 'vitest';
import { buildMessage, decodeMessage, filterFor, matchTopic, topicFor } from './index.ts';

const lot = {
  totalSpotNumber: 40,
  availableSpotNumber: 12,
  occupiedSpotNumber: 27,
  unknownSpotNumber: 1,
  full: false,
  drift: 0,
  disabled: { total: 4, available: 2 },
};

describe('topic tree', () => {
  it('builds and matches topics round-trip with parameters', () => {
    const t = topicFor('parkingBay', { site: 'campus', device: 'gw-1', bay: 'b12' });
    expect(t).toBe('cityedge/v1/campus/gw-1/parking/bay/b12');
    expect(matchTopic(t)).toEqual({
      kind: 'parkingBay',
      params: { site: 'campus', device: 'gw-1', bay: 'b12' },
    });
  });

  it('distinguishes a command from its response', () => {
    expect(matchTopic('cityedge/v1/s/d/cmd/gate.open')?.kind).toBe('command');
    expect(matchTopic('cityedge/v1/s/d/cmd/gate.open/response')?.kind).toBe('commandResponse');
  });

  it('rejects wildcard characters and slashes in parameters', () => {
    expect(() => topicFor('status', { site: 'a/b', device: 'd' })).toThrow(/bad "site"/);
    expect(() => topicFor('status', { site: '+', device: 'd' })).toThrow(/CONTRACT|bad/);
  });

  it('makes subscription filters with + for missing parameters', () => {
    expect(filterFor('parkingEvent', { site: 'campus' })).toBe('cityedge/v1/campus/+/parking/event');
  });
});

describe('payload validation', () => {
  it('accepts a message built by buildMessage', () => {
    const m = buildMessage('parkingLot', { site: 'campus', device: 'gw-1' }, lot, { ts: 1_700_000_000_000 });
    expect(m.retain).toBe(true);
    const decoded = decodeMessage(m.topic, m.payload);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(decoded.value.payload).toMatchObject({ id: m.id, data: lot });
  });

  it('refuses to build an invalid message', () => {
    expect(() =>
      buildMessage('parkingLot', { site: 's', device: 'd' }, { ...lot, totalSpotNumber: -1 }, { ts: 1 }),
    ).toThrow(/totalSpotNumber/);
  });

  it('reports malformed JSON, unknown topics and schema violations with codes', () => {
    const topic = topicFor('parkingLot', { site: 's', device: 'd' });
    const bad = decodeMessage(topic, '{not json');
    expect(!bad.ok && bad.error.code).toBe('CONTRACT_BAD_JSON');
    const unknown = decodeMessage('other/topic', '{}');
    expect(!unknown.ok && unknown.error.code).toBe('CONTRACT_UNKNOWN_TOPIC');
    const extra = decodeMessage(
      topic,
      JSON.stringify({ id: 'abcdefgh', ts: 1, data: { ...lot, hacked: 1 } }),
    );
    expect(!extra.ok && extra.error.code).toBe('CONTRACT_SCHEMA');
    expect(!extra.ok && extra.error.message).toMatch(/hacked|unrecognized/i);
  });

  it('checks command arguments against the named command', () => {
    const topic = topicFor('command', { site: 's', device: 'd', command: 'gate.open' });
    const good = decodeMessage(
      topic,
      JSON.stringify({ transaction: 't1', args: { lane: 'in', reason: 'x', by: 'op' } }),
    );
    expect(good.ok).toBe(true);
    const missing = decodeMessage(topic, JSON.stringify({ transaction: 't1', args: { lane: 'in' } }));
    expect(!missing.ok && missing.error.message).toMatch(/args\.reason/);
    const unknownCmd = decodeMessage(
      topicFor('command', { site: 's', device: 'd', command: 'selfdestruct' }),
      JSON.stringify({ transaction: 't', args: {} }),
    );
    expect(!unknownCmd.ok && unknownCmd.error.code).toBe('CONTRACT_UNKNOWN_COMMAND');
  });
});

describe('README', () => {
  it('documents exactly the current topic tree', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderTopicTable } = await import('./doc.ts');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderTopicTable());
  });
});
