import { describe, expect, it } from 'vitest';
import { buildMessage, topicFor } from '../../core/contract/index.ts';
import { applyMessage, emptyCity, FEED_LIMIT, HIRES_LIMIT, overview, seedHistory } from './state.ts';

const dev = { site: 'campus', device: 'gw-1' };
const lot = {
  totalSpotNumber: 40,
  availableSpotNumber: 10,
  occupiedSpotNumber: 30,
  unknownSpotNumber: 0,
  full: false,
  drift: 0,
  disabled: { total: 4, available: 1 },
};

const apply = (state: ReturnType<typeof emptyCity>, m: { topic: string; payload: string }) =>
  applyMessage(state, m.topic, m.payload);

describe('dashboard state', () => {
  it('keeps the latest lot counts and availability per device', () => {
    let s = emptyCity();
    s = apply(s, buildMessage('status', dev, { state: 'online' }, { ts: 1000 }));
    s = apply(s, buildMessage('parkingLot', dev, lot, { ts: 2000 }));
    s = apply(
      s,
      buildMessage(
        'parkingLot',
        dev,
        { ...lot, availableSpotNumber: 9, occupiedSpotNumber: 31 },
        { ts: 3000 },
      ),
    );
    const d = s.devices['campus/gw-1'];
    expect(d?.online).toBe(true);
    expect(d?.lot?.availableSpotNumber).toBe(9);
    expect(d?.lastSeen).toBe(3000);
    expect(overview(s).lots).toHaveLength(1);
    s = apply(s, buildMessage('status', dev, { state: 'offline' }, { ts: 4000 }));
    expect(overview(s).offline.map((x) => x.device)).toEqual(['gw-1']);
  });

  it('counts malformed messages instead of throwing', () => {
    const s = applyMessage(emptyCity(), topicFor('parkingLot', dev), '{"id":"x"}');
    expect(s.rejected).toBe(1);
    expect(s.lastError).toMatch(/parkingLot/);
    expect(Object.keys(s.devices)).toHaveLength(0);
  });

  it('tracks pending reviews until decided and shows a replayed event once', () => {
    const review = buildMessage(
      'parkingEvent',
      dev,
      { kind: 'review', lane: 'in', plate: null, reviewId: 'r1' },
      { ts: 10 },
    );
    let s = apply(emptyCity(), review);
    s = apply(s, review);
    expect(s.feed).toHaveLength(1);
    expect(Object.keys(s.pendingReviews)).toEqual(['campus/gw-1/r1']);
    s = apply(
      s,
      buildMessage(
        'parkingEvent',
        dev,
        { kind: 'reviewDecided', lane: 'in', reviewId: 'r1', decision: 'open' },
        { ts: 20 },
      ),
    );
    expect(s.pendingReviews).toEqual({});
  });

  it('takes the retained review list as authoritative for its device', () => {
    let s = apply(
      emptyCity(),
      buildMessage(
        'parkingEvent',
        dev,
        { kind: 'review', lane: 'in', plate: null, reviewId: 'old' },
        { ts: 1 },
      ),
    );
    const pending = [{ reviewId: 'r7', lane: 'in', plate: 'ABC123', reason: 'low confidence', since: 5 }];
    s = apply(s, buildMessage('parkingReviews', dev, { pending }, { ts: 6 }));
    expect(Object.keys(s.pendingReviews)).toEqual(['campus/gw-1/r7']);
    expect(s.pendingReviews['campus/gw-1/r7']?.plate).toBe('ABC123');
  });

  it('keeps the latest frame per camera from plate reads', () => {
    const read = (plate: string | null, ts: number, thumbnail?: string) =>
      buildMessage(
        'lprRead',
        dev,
        {
          camera: 'cam-entry',
          lane: 'entry-1',
          plate,
          confidence: 0.9,
          box: null,
          candidates: [],
          ms: 40,
          ...(thumbnail ? { thumbnail } : {}),
        },
        { ts },
      );
    let s = apply(emptyCity(), read('ABC123', 1, 'AAAA'));
    s = apply(s, read(null, 2));
    const cam = s.devices['campus/gw-1']?.cameras['cam-entry'];
    expect(cam).toMatchObject({ ts: 2, plate: null, lane: 'entry-1' });
    // The newest read had no frame: the earlier frame stays, with its own time and plate, so the
    // view can show it as earlier rather than as this read's.
    expect(cam?.frame).toMatchObject({ ts: 1, thumbnail: 'AAAA', plate: 'ABC123' });
    expect(s.feed).toHaveLength(2);
  });

  it('shows a camera from its retained last frame, opened after the read, box and frame size kept', () => {
    const frame = (ts: number, plate: string) =>
      buildMessage(
        'cameraFrame',
        { ...dev, camera: 'cam-entry' },
        {
          camera: 'cam-entry',
          lane: 'entry-1',
          plate,
          confidence: 0.93,
          box: [100, 200, 180, 60],
          frameSize: [640, 480],
          thumbnail: `T${ts}`,
        },
        { ts },
      );
    let s = apply(emptyCity(), frame(10, 'ABC123'));
    expect(s.devices['campus/gw-1']?.cameras['cam-entry']).toMatchObject({
      ts: 10,
      plate: 'ABC123',
      frame: { thumbnail: 'T10', box: [100, 200, 180, 60], frameSize: [640, 480] },
    });
    // History then seeds a newer read of the same camera (no frames in history): the frame stays.
    s = seedHistory(
      s,
      [],
      [{ ts: 20, site: 'campus', device: 'gw-1', camera: 'cam-entry', plate: 'XYZ987', confidence: 0.8 }],
    );
    const cam = s.devices['campus/gw-1']?.cameras['cam-entry'];
    expect(cam).toMatchObject({ ts: 20, plate: 'XYZ987', frame: { ts: 10, plate: 'ABC123' } });
    // An older retained frame arriving late does not replace the newer read's caption.
    s = apply(s, frame(5, 'OLD111'));
    expect(s.devices['campus/gw-1']?.cameras['cam-entry']).toMatchObject({ ts: 20, frame: { ts: 10 } });
  });

  it('seeds the feed and cameras from history without duplicating live messages', () => {
    const live = buildMessage(
      'parkingEvent',
      dev,
      { kind: 'entry', lane: 'in', plate: 'ABC123' },
      { ts: 50 },
    );
    let s = apply(emptyCity(), live);
    s = seedHistory(
      s,
      [
        {
          ts: 50,
          site: 'campus',
          device: 'gw-1',
          source: 'parking',
          kind: 'entry',
          plate: 'ABC123',
          msgId: live.id,
        },
        {
          ts: 40,
          site: 'campus',
          device: 'gw-1',
          source: 'parking',
          kind: 'exit',
          plate: 'XYZ9',
          stayS: 600,
          msgId: 'm-old',
        },
      ],
      [
        {
          ts: 45,
          site: 'campus',
          device: 'gw-1',
          camera: 'cam-exit',
          lane: 'out',
          plate: 'XYZ9',
          confidence: 0.8,
        },
      ],
    );
    expect(s.feed.map((f) => f.id)).toEqual([live.id, 'm-old']);
    expect(s.devices['campus/gw-1']?.cameras['cam-exit']).toMatchObject({ plate: 'XYZ9', ts: 45 });
  });

  it('bounds the event feed', () => {
    let s = emptyCity();
    for (let i = 0; i < FEED_LIMIT + 25; i++) {
      s = apply(
        s,
        buildMessage('parkingEvent', dev, { kind: 'entry', lane: 'in', plate: `ABC${i}` }, { ts: i }),
      );
    }
    expect(s.feed).toHaveLength(FEED_LIMIT);
    expect(s.feed[0]?.ts).toBe(FEED_LIMIT + 24);
  });

  it('keeps signal heads and alarms per intersection', () => {
    const p = { ...dev, device: 'cab-1', intersection: 'main-5th' };
    let s = apply(
      emptyCity(),
      buildMessage('signalHeads', p, { mode: 'normal', groups: { '2': 'green', '4': 'red' } }, { ts: 5 }),
    );
    s = apply(
      s,
      buildMessage('signalAlarm', p, { kind: 'conflict', detail: '2 and 4 green', latched: true }, { ts: 6 }),
    );
    const x = s.devices['campus/cab-1']?.intersections['main-5th'];
    expect(x?.heads?.groups['2']).toBe('green');
    expect(x?.alarms[0]?.kind).toBe('conflict');
    expect(overview(s).intersections).toHaveLength(1);
  });

  it('restarts time in phase only when a ring changes phase or interval', () => {
    const p = { ...dev, device: 'cab-1', intersection: 'main-5th' };
    const ring = (phase: number, interval: string) => ({
      ring: 1,
      phase,
      interval,
      minEndMs: null,
      maxEndMs: null,
      timeToChangeMs: null,
    });
    const spat = (ts: number, phase: number, interval: string) =>
      buildMessage('spat', p, { mode: 'normal', rings: [ring(phase, interval)] }, { ts });
    let s = apply(emptyCity(), spat(1000, 2, 'green'));
    s = apply(s, spat(2000, 2, 'green'));
    expect(s.devices['campus/cab-1']?.intersections['main-5th']?.ringSince).toEqual([1000]);
    s = apply(s, spat(3000, 2, 'yellow'));
    expect(s.devices['campus/cab-1']?.intersections['main-5th']?.ringSince).toEqual([3000]);
  });

  it('dates a mode change and keeps the hi-res log newest first and bounded', () => {
    const p = { ...dev, device: 'cab-1', intersection: 'main-5th' };
    const heads = (ts: number, mode: 'normal' | 'flash') =>
      buildMessage('signalHeads', p, { mode, groups: { '2': 'green' } }, { ts });
    let s = apply(emptyCity(), heads(10, 'normal'));
    s = apply(s, heads(20, 'normal'));
    s = apply(s, heads(30, 'flash'));
    expect(s.devices['campus/cab-1']?.intersections['main-5th']?.modeSince).toBe(30);
    for (let b = 0; b < 4; b++) {
      const events = Array.from({ length: 100 }, (_, i) => ({ ts: b * 100 + i, code: 1, param: 2 }));
      s = apply(s, buildMessage('hiRes', p, { events }, { ts: b }));
    }
    const log = s.devices['campus/cab-1']?.intersections['main-5th']?.hiRes ?? [];
    expect(log).toHaveLength(HIRES_LIMIT);
    expect(log[0]?.ts).toBe(399);
  });

  it('tracks emergency vehicles and device versions', () => {
    const fleet = { site: 'fleet', device: 'amb-1' };
    const pos = {
      vehicleId: 'amb-1',
      routeId: 'r1',
      routeOffsetM: 10,
      speedMps: 14,
      active: true,
      lat: 1,
      lon: 2,
    };
    let s = apply(emptyCity(), buildMessage('evPosition', fleet, pos, { ts: 5 }));
    s = apply(s, buildMessage('status', fleet, { state: 'online', version: '1.2.3' }, { ts: 6 }));
    expect(s.devices['fleet/amb-1']?.ev?.['amb-1']).toMatchObject({ routeId: 'r1', ts: 5 });
    expect(s.devices['fleet/amb-1']?.version).toBe('1.2.3');
  });
});

describe('emergency-vehicle priority', () => {
  const cmd = (command: string, args: Record<string, unknown>) => ({
    topic: topicFor('command', { site: 'corridor', device: 'cab-1', command }),
    payload: JSON.stringify({ transaction: `t-${command}`, args }),
  });

  it('shows a priority request with its ETA until the EV unit cancels it', () => {
    let s = apply(
      emptyCity(),
      cmd('priority.request', { intersection: 'main-3rd', vehicleId: 'amb-1', routeId: 'r1', etaTs: 99_000 }),
    );
    const x = () => s.devices['corridor/cab-1']?.intersections['main-3rd'];
    expect(x()?.priority).toMatchObject({ vehicleId: 'amb-1', routeId: 'r1', etaTs: 99_000 });
    // Another vehicle's cancel leaves it; its own cancel removes it.
    s = apply(s, cmd('priority.cancel', { intersection: 'main-3rd', vehicleId: 'amb-2' }));
    expect(x()?.priority?.vehicleId).toBe('amb-1');
    s = apply(s, cmd('priority.cancel', { intersection: 'main-3rd', vehicleId: 'amb-1' }));
    expect(x()?.priority).toBeUndefined();
  });
});
