import { describe, expect, it } from 'vitest';
import { read, rig } from './test-helpers.ts';

describe('parking controller facade', () => {
  it('opens for a registered staff car, logs the entry and counts it', () => {
    const r = rig();
    r.pass('entry-1', read('ABCD 123'));
    expect(r.ofType('decision')[0]?.decision).toMatchObject({ verdict: 'open', reason: 'registered' });
    expect(r.outputs.map((o) => o.type)).toContain('barrier.raise');
    const entry = r.ofType('entry')[0]?.record;
    expect(entry).toMatchObject({
      plate: 'ABCD123',
      laneId: 'entry-1',
      decision: 'registered',
      frameRef: 'frame-1',
    });
    expect(r.ctl.snapshot().counts.occupiedSpotNumber).toBe(1);
    expect(r.ctl.snapshot().gates.find((g) => g.laneId === 'entry-1')?.state).toBe('closed');
  });

  it('computes the stay on exit and flashes the exit warning light', () => {
    const r = rig();
    r.pass('entry-1', read('ABCD 123'));
    r.clock.increment(3_600_000);
    r.pass('exit-1', read('ABCD 123'));
    const exit = r.ofType('exit')[0]?.record;
    expect(exit?.match).toBe('exact');
    expect(exit?.stayMs).toBeGreaterThan(3_600_000);
    expect(exit?.stayMs).toBeLessThan(3_620_000);
    expect(r.outputs).toContainEqual({ type: 'light.flash', laneId: 'exit-1' });
    expect(r.outputs).not.toContainEqual({ type: 'light.flash', laneId: 'entry-1' });
    expect(r.ctl.snapshot().counts.occupiedSpotNumber).toBe(0);
  });
});

describe('FULL lot with reserved capacity', () => {
  it('lights FULL at the public limit, refuses visitors, still serves permits, clears on exit', () => {
    const r = rig();
    r.ctl.operator({ type: 'count.set', occupied: 33, who: 'ana', why: 'morning recount' });
    expect(r.outputs.filter((o) => o.type === 'sign.full').at(-1)).toEqual({
      type: 'sign.full',
      laneId: 'entry-1',
      on: false,
    });
    r.pass('entry-1', read('ZZZZ 001'));
    expect(r.ctl.snapshot()).toMatchObject({
      full: true,
      counts: { occupiedSpotNumber: 34, availableSpotNumber: 6 },
    });
    expect(r.outputs.filter((o) => o.type === 'sign.full').at(-1)).toMatchObject({ on: true });
    r.pass('entry-1', read('ZZZZ 002'));
    expect(r.ofType('decision').at(-1)?.decision).toMatchObject({ verdict: 'deny', reason: 'lot-full' });
    expect(r.ctl.snapshot().gates[0]?.state).toBe('denied');
    r.ctl.loop('entry-1', 'arming', false); // the visitor backs out
    r.pass('entry-1', read('EFGH 567')); // disabled permit uses the reserved pool
    expect(r.ofType('decision').at(-1)?.decision).toMatchObject({ verdict: 'open', pool: 'reserved' });
    expect(r.ctl.snapshot().counts.occupiedSpotNumber).toBe(35);
    r.pass('exit-1', read('EFGH 567'));
    r.pass('exit-1', read('ZZZZ 001'));
    expect(r.ctl.snapshot().full).toBe(false);
    expect(r.outputs.filter((o) => o.type === 'sign.full').at(-1)).toMatchObject({ on: false });
    expect(r.ofType('entry').map((e) => e.record.plate)).toEqual(['ZZZZ001', 'EFGH567']);
  });
});

describe('blocklist, reviews and operator', () => {
  it('denies a blocklisted car with an alarm and logs no entry', () => {
    const r = rig();
    r.pass('entry-1', read('JKLM 901'));
    expect(r.ofType('alarm')).toMatchObject([{ code: 'blocklisted', plate: 'JKLM901', laneId: 'entry-1' }]);
    expect(r.outputs.map((o) => o.type)).not.toContain('barrier.raise');
    expect(r.ofType('entry')).toEqual([]);
  });

  it('retries frames, then holds for review; operator approval opens and is audited', () => {
    const r = rig();
    r.ctl.loop('entry-1', 'arming', true);
    r.ctl.plateRead('entry-1', read('ABCD 12?', 0.4, 'f1'));
    r.ctl.plateRead('entry-1', read('ABCD 123', 0.6, 'f2'));
    expect(r.outputs.filter((o) => o.type === 'camera.trigger')).toHaveLength(3); // initial + 2 retries
    expect(r.ofType('review.requested')).toEqual([]);
    r.ctl.plateRead('entry-1', read('ABCD 123', 0.55, 'f3'));
    const review = r.ofType('review.requested')[0]?.review;
    expect(review).toMatchObject({ laneId: 'entry-1', reason: 'low-confidence', fallback: 'wait' });
    expect(review?.best?.frameRef).toBe('f2');
    expect(r.ctl.snapshot().gates[0]?.state).toBe('holding');
    expect(
      r.ctl.operator({
        type: 'review.approve',
        reviewId: review!.id,
        who: 'ana',
        why: 'plate checked on CCTV',
      }),
    ).toEqual({ ok: true });
    expect(r.ctl.snapshot().gates[0]?.state).toBe('opening');
    expect(r.ctl.snapshot().reviews).toEqual([]);
    expect(r.ctl.snapshot().audit).toMatchObject([
      { who: 'ana', why: 'plate checked on CCTV', command: 'review.approve', accepted: true },
    ]);
    r.ctl.limit('entry-1', 'open', true);
    r.ctl.loop('entry-1', 'safety', true);
    r.ctl.loop('entry-1', 'safety', false);
    r.clock.increment(300); // the safety input must read clear for timing.safetyClearMs
    expect(r.ofType('entry')[0]?.record).toMatchObject({
      plate: 'ABCD123',
      decision: 'operator-approved',
      confidence: 0.6,
    });
  });

  it('camera timeout at an exit falls back to open and leaves a review for the operator', () => {
    const r = rig();
    r.ctl.loop('exit-1', 'arming', true);
    r.clock.increment(5000);
    expect(r.ofType('review.requested')[0]?.review).toMatchObject({
      reason: 'camera-timeout',
      fallback: 'open',
    });
    expect(r.outputs).toContainEqual({ type: 'barrier.raise', laneId: 'exit-1' });
  });

  it('operator open/close are audited and a close onto an occupied safety loop is refused', () => {
    const r = rig();
    r.ctl.operator({ type: 'gate.open', laneId: 'exit-1', who: 'luis', why: 'ambulance' });
    r.ctl.limit('exit-1', 'open', true);
    r.ctl.loop('exit-1', 'safety', true);
    r.ctl.operator({ type: 'gate.close', laneId: 'exit-1', who: 'luis', why: 'done' });
    expect(r.ofType('operator.refused')).toMatchObject([{ laneId: 'exit-1', reason: 'safety-occupied' }]);
    expect(r.ctl.snapshot().audit.map((a) => [a.command, a.accepted])).toEqual([
      ['gate.open', true],
      ['gate.close', false],
    ]);
    expect(r.outputs.filter((o) => o.type === 'barrier.lower')).toEqual([]);
  });

  it('tailgating raises an alarm and the follower is logged and counted', () => {
    const r = rig();
    r.ctl.loop('entry-1', 'arming', true);
    r.ctl.plateRead('entry-1', read('ABCD 123'));
    r.ctl.limit('entry-1', 'closed', false);
    r.ctl.limit('entry-1', 'open', true);
    r.ctl.loop('entry-1', 'arming', false);
    r.ctl.loop('entry-1', 'safety', true);
    r.ctl.loop('entry-1', 'arming', true); // the follower
    r.ctl.loop('entry-1', 'safety', false);
    r.clock.increment(400);
    r.ctl.limit('entry-1', 'open', false);
    r.ctl.loop('entry-1', 'arming', false);
    r.ctl.loop('entry-1', 'safety', true);
    r.ctl.loop('entry-1', 'safety', false);
    r.clock.increment(400);
    expect(r.ofType('alarm').map((a) => a.code)).toEqual(['tailgate']);
    expect(r.ofType('entry').map((e) => [e.record.plate, e.record.decision, e.record.flags])).toEqual([
      ['ABCD123', 'registered', []],
      [null, 'tailgate', ['tailgate', 'unread-plate']],
    ]);
    expect(r.ctl.snapshot().counts.gateCount).toBe(2);
  });

  it('power loss fails the exit open and holds the entry', () => {
    const r = rig();
    r.outputs.length = 0;
    r.ctl.powerLoss();
    expect(r.outputs).toEqual([{ type: 'barrier.raise', laneId: 'exit-1' }]);
    expect(r.ofType('alarm').map((a) => a.laneId)).toEqual(['entry-1', 'exit-1']);
  });
});

describe('disabled bays', () => {
  it('an unpermitted car in a disabled bay raises a violation, warning light and alert', () => {
    const r = rig();
    r.ctl.baySensor('S-D01', { occupied: true });
    r.clock.increment(2000);
    expect(r.ctl.bayCameraRead('D01', read('ZZZZ 999', 0.93, 'bay-d01-0001'))).toEqual({ ok: true });
    expect(r.ofType('alarm')).toMatchObject([
      { code: 'disabled-bay-violation', bayId: 'D01', plate: 'ZZZZ999', detail: 'bay-d01-0001' },
    ]);
    expect(r.outputs).toContainEqual({ type: 'bay.warning', bayId: 'D01', on: true });
    expect(r.ctl.snapshot().bays.find((b) => b.id === 'D01')?.violation).toBe(true);
    r.ctl.bayCameraRead('D01', read('ZZZZ 999', 0.93)); // repeated read: no duplicate alarm
    expect(r.ofType('alarm')).toHaveLength(1);
    r.ctl.baySensor('S-D01', { occupied: false });
    r.clock.increment(2000);
    expect(r.outputs.at(-1)).toEqual({ type: 'bay.warning', bayId: 'D01', on: false });
    expect(r.ctl.snapshot().bays.find((b) => b.id === 'D01')?.violation).toBe(false);
  });

  it('a valid permit, an illegible read or a regular bay raise nothing', () => {
    const r = rig();
    r.ctl.bayCameraRead('D02', read('EFGH 567'));
    r.ctl.bayCameraRead('D02', read(null, 0));
    r.ctl.bayCameraRead('A01', read('ZZZZ 999'));
    expect(r.ofType('alarm')).toEqual([]);
    expect(r.ofType('bay.unverified')).toHaveLength(1);
  });

  it('a vehicle registered at run time with a permit is accepted by the bay camera', () => {
    const r = rig();
    expect(r.ctl.registerVehicle({ plate: 'NEWP 111', category: 'disabled', owner: 'new' })).toEqual({
      ok: true,
    });
    r.ctl.bayCameraRead('D03', read('NEWP 111'));
    expect(r.ofType('alarm')).toEqual([]);
    expect(r.ctl.registerVehicle({ plate: 'X', category: 'alien' }).ok).toBe(false);
  });

  it('a removed permit no longer protects its holder; removing an unknown plate changes nothing', () => {
    const r = rig();
    expect(r.ctl.removeVehicle('fghj-678')).toBe(true); // compared normalised
    expect(r.ctl.removeVehicle('FGHJ 678')).toBe(false);
    expect(r.ctl.removeVehicle('NOPE 000')).toBe(false);
    r.ctl.bayCameraRead('D04', read('FGHJ 678'));
    expect(r.ofType('alarm')).toMatchObject([{ code: 'disabled-bay-violation', plate: 'FGHJ678' }]);
    r.ctl.bayCameraRead('D02', read('EFGH 567')); // other permits are untouched
    expect(r.ofType('alarm')).toHaveLength(1);
  });
});

describe('safety input filtering', () => {
  it('chatter on the safety loop yields no phantom passage and never a lower while occupied', () => {
    const r = rig();
    r.ctl.loop('exit-1', 'arming', true);
    r.ctl.plateRead('exit-1', read('ABCD 123'));
    r.ctl.limit('exit-1', 'closed', false);
    r.ctl.limit('exit-1', 'open', true);
    r.ctl.loop('exit-1', 'arming', false);
    for (let i = 0; i < 20; i++) {
      r.ctl.loop('exit-1', 'safety', i % 2 === 0);
      r.clock.increment(120);
    }
    r.ctl.loop('exit-1', 'safety', false);
    expect(r.ofType('exit')).toEqual([]);
    expect(r.outputs.filter((o) => o.type === 'barrier.lower')).toEqual([]);
    r.clock.increment(300);
    expect(r.ofType('exit')).toHaveLength(1);
    expect(r.outputs.at(-1)).toEqual({ type: 'barrier.lower', laneId: 'exit-1' });
  });
});

describe('bad inputs are errors with codes, counted, and lose nothing else', () => {
  it('rejects unknown lanes, sensors, bays and malformed payloads', () => {
    const r = rig();
    r.pass('entry-1', read('ABCD 123'));
    const before = r.ctl.snapshot();
    const results = [
      r.ctl.loop('nope', 'arming', true),
      r.ctl.baySensor('S-XX', { occupied: true }),
      r.ctl.baySensor('S-A01', { occupied: 'yes' }),
      r.ctl.baySensor('S-A01', null),
      r.ctl.plateRead('entry-1', { plate: 42 }),
      r.ctl.plateRead('entry-1', read('ABCD 123')), // nobody on the arming loop
      r.ctl.bayCameraRead('Z99', read('ABCD 123')),
      r.ctl.operator({ type: 'gate.explode', who: 'x' }),
      r.ctl.operator({ type: 'review.approve', reviewId: 'R404', who: 'x' }),
    ];
    expect(results.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual([
      'LANE_UNKNOWN',
      'SENSOR_UNKNOWN',
      'READING_MALFORMED',
      'READING_MALFORMED',
      'PLATE_MALFORMED',
      'PLATE_UNEXPECTED',
      'BAY_UNKNOWN',
      'COMMAND_INVALID',
      'REVIEW_UNKNOWN',
    ]);
    const after = r.ctl.snapshot();
    expect(after.rejected).toEqual({
      LANE_UNKNOWN: 1,
      SENSOR_UNKNOWN: 1,
      READING_MALFORMED: 2,
      PLATE_MALFORMED: 1,
      PLATE_UNEXPECTED: 1,
      BAY_UNKNOWN: 1,
      COMMAND_INVALID: 1,
      REVIEW_UNKNOWN: 1,
    });
    expect(after.counts).toEqual(before.counts);
    expect(r.ctl.logTail(10)).toHaveLength(1);
    expect(r.ofType('input.rejected')).toHaveLength(9);
  });

  it('an unknown plate is not an error: it is a public visitor under the mixed policy', () => {
    const r = rig();
    r.pass('entry-1', read('QWER 000'));
    expect(r.ofType('entry')[0]?.record).toMatchObject({ plate: 'QWER000', decision: 'public' });
  });
});
