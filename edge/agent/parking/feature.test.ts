/**
 * The parking feature on a manual clock with simulated GPIO, HTTP cameras and a scripted plate
 * reader: bay-sensor heartbeats, disabled-bay cameras, retained reviews and registry.remove.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../testing/servers.ts';
import sharp from 'sharp';
import { topics } from '../../../core/contract/index.ts';
import type { PlateReader, PlateReadResult } from '../../lpr/index.ts';
import { type ParkingFeature, startParking } from './feature.ts';
import { sensorAddresses, sensorHandler } from './sensors.ts';
import { type TestContext, testContext } from '../test-context.ts';

const root = resolve(import.meta.dirname, '../../..');
const BAY_LIGHT = 13;

let dir: string;
let server: Server;
let t: TestContext;
let parking: ParkingFeature;
let next: Pick<PlateReadResult, 'plate' | 'confidence'> = { plate: null, confidence: 0 };
let reads = 0;

/** Answers with whatever the test scripted in `next` (no tesseract in unit tests). */
const reader: PlateReader = {
  read: async () => {
    reads += 1;
    return { ...next, box: null, candidates: [], ms: 1 };
  },
  fuse: (r) => r[0]!,
  stats: () => ({ workers: 1, busy: 0, queued: 0, reads, plates: 0, noPlate: 0, errors: {}, meanMs: 1 }),
  close: async () => {},
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cityedge-parking-'));
  // A decodable JPEG: the frame store keeps only frames it can decode and thumbnail.
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#6a7b8c' } })
    .jpeg()
    .toBuffer();
  server = createServer((_, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/snapshot.jpg`;
  // The example lot without its serial bus (tests feed frames to the handler) and with a warning
  // light at bay D01.
  const lot = readFileSync(join(root, 'controllers/parking/examples/campus-lot.yaml'), 'utf8')
    .replace(/^baySensorBus:.*$/m, '')
    .replace(
      '{ id: D01, kind: disabled, sensor: S-D01, camera: cam-bay-D01 }',
      `{ id: D01, kind: disabled, sensor: S-D01, camera: cam-bay-D01, warningLight: { output: ${BAY_LIGHT} } }`,
    );
  writeFileSync(join(dir, 'lot.yaml'), lot);
  t = await testContext(
    `
site: campus
device: gw-test
hardware:
  profile: simulated
  debounceMs: 0
  cameras:
    cam-entry-1: { url: "${url}" }
    cam-bay-D01: { url: "${url}" }
mqtt: { url: "mqtt://127.0.0.1:1" }
queue: { path: ${join(dir, 'outbox.db')} }
parking:
  lot: ${join(dir, 'lot.yaml')}
  registry: ${root}/controllers/parking/examples/registry.yaml
  lpr: false
`,
    dir,
  );
  const started = await startParking(t.ctx, { reader });
  if (!started.ok) throw started.error;
  parking = started.value;
});

afterEach(async () => {
  await parking.stop();
  await t.close();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const bay = (id: string) => parking.controller.snapshot().bays.find((b) => b.id === id)?.status;

describe('bay sensors', () => {
  it('heartbeats keep a parked car occupied past the silence time; a mute sensor goes unknown', () => {
    const frame = sensorHandler(t.ctx, parking.controller, sensorAddresses(t.ctx, parking.lot));
    // Bus addresses are 1-based lot order: A01 is the 11th bay, A02 the 12th.
    frame({ type: 'occupancy', sensorId: 11, occupied: true, raw: 800 });
    frame({ type: 'occupancy', sensorId: 12, occupied: true, raw: 800 });
    t.clock.advance(2_000); // lot debounce
    expect([bay('A01'), bay('A02')]).toEqual(['occupied', 'occupied']);
    // Campus lot: sensorSilenceMs 600 000. Heartbeats every 5 min for 20 min, A01 only.
    for (let seq = 0; seq < 4; seq++) {
      t.clock.advance(300_000);
      frame({ type: 'heartbeat', sensorId: 11, seq, uptimeS: seq * 300 });
    }
    expect(bay('A01')).toBe('occupied');
    expect(bay('A02')).toBe('unknown');
    expect(t.of('sensorReading').filter((r) => r.kind === 'heartbeat')).toHaveLength(4);
  });
});

describe('retained lot', () => {
  it('a bay change sends the lot once, from the event counts, and no gate', () => {
    const frame = sensorHandler(t.ctx, parking.controller, sensorAddresses(t.ctx, parking.lot));
    const lots = t.of('parkingLot').length;
    const gates = t.of('parkingGate').length;
    const before = t.of('parkingLot').at(-1)!;
    frame({ type: 'occupancy', sensorId: 11, occupied: true, raw: 800 }); // A01
    frame({ type: 'occupancy', sensorId: 2, occupied: true, raw: 800 }); // S-D02, a disabled bay
    t.clock.advance(2_000); // lot debounce
    const sent = t.of('parkingLot').slice(lots);
    expect(sent).toHaveLength(2); // one per bay change, not one per event of the change
    expect(t.of('parkingGate')).toHaveLength(gates);
    const last = sent.at(-1)!;
    const snap = parking.controller.snapshot();
    expect(last).toMatchObject({
      occupiedSpotNumber: snap.counts.occupiedSpotNumber,
      unknownSpotNumber: snap.counts.unknownSpotNumber,
      disabled: { total: before.disabled.total },
    });
    expect(last.unknownSpotNumber).toBe(before.unknownSpotNumber - 2);
    expect(last.disabled.available).toBe(
      snap.bays.filter((b) => b.kind === 'disabled' && b.status === 'free').length,
    );
    // A heartbeat changes no bay: nothing is re-sent.
    frame({ type: 'heartbeat', sensorId: 11, seq: 1, uptimeS: 5 });
    t.clock.advance(2_000);
    expect(t.of('parkingLot').slice(lots)).toHaveLength(2);
  });
});

describe('disabled-bay cameras', () => {
  it('a non-permit car in a camera-watched disabled bay: LPR, violation event, warning light', async () => {
    next = { plate: 'ZZZZ999', confidence: 0.95 };
    const frame = sensorHandler(t.ctx, parking.controller, sensorAddresses(t.ctx, parking.lot));
    frame({ type: 'occupancy', sensorId: 1, occupied: true, raw: 800 }); // S-D01
    t.clock.advance(2_000);
    await waitFor(
      () => t.of('parkingEvent').some((e) => e.kind === 'disabledViolation'),
      5_000,
      'violation event',
    );
    expect(t.of('parkingEvent').find((e) => e.kind === 'disabledViolation')).toMatchObject({
      bay: 'd01',
      plate: 'ZZZZ999',
    });
    const read = t.of('lprRead').at(-1);
    expect(read).toMatchObject({ camera: 'cam-bay-D01', plate: 'ZZZZ999' });
    // The frame stays on the edge (beside the outbox) and a thumbnail goes up with the read.
    expect(existsSync(join(dir, 'frames', read?.frameRef ?? 'missing'))).toBe(true);
    expect(Buffer.from(read?.thumbnail ?? '', 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // …and the same picture as the camera's retained last frame, with the box's coordinate space,
    // so a control room opened after the read still shows it (the read is an unretained event).
    const last = t.of('cameraFrame').at(-1);
    expect(last).toMatchObject({
      camera: 'cam-bay-D01',
      bay: 'd01',
      plate: 'ZZZZ999',
      frameSize: [320, 240],
      frameRef: read?.frameRef,
      thumbnail: read?.thumbnail,
    });
    expect(topics.cameraFrame.retained).toBe(true);
    await waitFor(() => t.gpio.level(BAY_LIGHT) === 1, 10_000, 'bay warning light on');

    frame({ type: 'occupancy', sensorId: 1, occupied: false, raw: 0 });
    t.clock.advance(2_000);
    await waitFor(() => t.gpio.level(BAY_LIGHT) === 0, 10_000, 'bay warning light off');
  });

  it('a permit holder raises nothing; bays without a camera source are counted, not fatal', async () => {
    next = { plate: 'FGHJ678', confidence: 0.95 };
    const frame = sensorHandler(t.ctx, parking.controller, sensorAddresses(t.ctx, parking.lot));
    frame({ type: 'occupancy', sensorId: 1, occupied: true, raw: 800 });
    t.clock.advance(2_000);
    await waitFor(() => t.of('lprRead').length > 0, 5_000, 'bay read');
    expect(t.of('parkingEvent').filter((e) => e.kind === 'disabledViolation')).toEqual([]);
    expect(t.gpio.level(BAY_LIGHT)).toBe(0);
    expect(t.counted.CONFIG_CAMERA).toBe(3); // D02–D04 name cameras this config does not define
  });
});

describe('reviews', () => {
  it('a low-confidence read is published in the retained list; review.decide empties it', async () => {
    expect(t.published.find((p) => p.kind === 'parkingReviews')).toMatchObject({
      retain: true,
      data: { pending: [] },
    });
    next = { plate: 'ABCD123', confidence: 0.5 };
    parking.controller.limit('entry-1', 'closed', true);
    parking.controller.loop('entry-1', 'arming', true);
    await waitFor(() => (t.of('parkingReviews').at(-1)?.pending.length ?? 0) > 0, 5_000, 'review');
    const [pending] = t.of('parkingReviews').at(-1)!.pending;
    expect(pending).toMatchObject({
      lane: 'entry-1',
      plate: 'ABCD123',
      confidence: 0.5,
      reason: 'low-confidence',
    });
    expect(t.of('parkingEvent').find((e) => e.kind === 'review')).toMatchObject({
      reviewId: pending!.reviewId,
    });

    const res = await t.command('review.decide', {
      reviewId: pending!.reviewId,
      decision: 'deny',
      by: 'ana',
    });
    expect(res).toMatchObject({ status: 'ok' });
    expect(t.of('parkingReviews').at(-1)).toEqual({ pending: [] });
    expect(t.of('parkingEvent').find((e) => e.kind === 'reviewDecided')).toMatchObject({
      reviewId: pending!.reviewId,
      decision: 'deny',
      by: 'ana',
    });
  });
});

describe('registry.remove', () => {
  it('removes plates through the command path; unknown plates are reported', async () => {
    const res = await t.command('registry.remove', { plates: ['FGHJ678', 'NOPE000'] });
    expect(res).toMatchObject({ status: 'ok', data: { removed: ['FGHJ678'], unknown: ['NOPE000'] } });
    // The removed permit no longer covers its holder in a disabled bay.
    parking.controller.bayCameraRead('D04', { plate: 'FGHJ678', confidence: 0.95 });
    expect(t.of('parkingEvent').find((e) => e.kind === 'disabledViolation')).toMatchObject({
      bay: 'd04',
      plate: 'FGHJ678',
    });
  });
});
