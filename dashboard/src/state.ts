/**
 * The dashboard's view model: a pure reducer from contract-checked MQTT messages to the city's
 * live state. Pure so it is unit-tested in Node and the browser only renders it.
 */
import { type Data, type DecodedMessage, decodeMessage, type TopicKind } from '../../core/contract/index.ts';

export interface DeviceState {
  site: string;
  device: string;
  online: boolean | null;
  lastSeen: number;
  /** The last health report and when the device took it (stale data is shown greyed with its age). */
  health?: Data<'health'> & { ts: number };
  lot?: Data<'parkingLot'>;
  bays: Record<string, Data<'parkingBay'>>;
  gates: Record<string, Data<'parkingGate'>>;
  /** Latest frame per camera (lane and bay cameras): the control room's CCTV wall. */
  cameras: Record<string, CameraView>;
  intersections: Record<string, IntersectionState>;
  version?: string;
  /** Emergency-vehicle units reporting from this device, by vehicle id. */
  ev?: Record<string, Data<'evPosition'> & { ts: number }>;
}

/** The latest read of a camera, and the latest frame it came with (possibly of an earlier read). */
export interface CameraView {
  camera: string;
  ts: number;
  lane?: string;
  bay?: string;
  plate: string | null;
  confidence: number;
  frame?: CameraFrame;
}

export interface CameraFrame {
  ts: number;
  /** Base64 JPEG thumbnail. */
  thumbnail: string;
  plate: string | null;
  /** Plate box `[x, y, w, h]` in full-frame pixels; drawable when `frameSize` is known. */
  box: [number, number, number, number] | null;
  frameSize?: [number, number];
}

export interface IntersectionState {
  heads?: Data<'signalHeads'>;
  spat?: Data<'spat'>;
  /** Device time of the last SPaT: its relative `timeToChangeMs` counts from here. */
  spatTs?: number;
  lastCycle?: Data<'cycle'>;
  alarms: Array<Data<'signalAlarm'> & { ts: number }>;
  /** Newest first, bounded: the hi-res log an engineer scrolls (Indiana codes). */
  hiRes?: Data<'hiRes'>['events'];
  counts?: Data<'counts'>;
  /** Per ring, when its current phase and interval began (time in phase against min/max). */
  ringSince?: number[];
  /** When the current mode began (for "in flash for 3 min"). */
  modeSince?: number;
  /** The last priority request seen for this intersection (the EV's ETA for the banner). */
  priority?: { vehicleId: string; routeId?: string; etaTs: number; ts: number };
}

export const HIRES_LIMIT = 300;

export interface FeedItem {
  id: string;
  ts: number;
  site: string;
  device: string;
  kind: 'parkingEvent' | 'lprRead' | 'signalAlarm';
  data: Data<'parkingEvent'> | Data<'lprRead'> | Data<'signalAlarm'>;
}

export type PendingReview = Data<'parkingReviews'>['pending'][number] & { site: string; device: string };

export interface CityState {
  devices: Record<string, DeviceState>;
  /** Newest first, bounded so a long-running control room does not grow without end. */
  feed: FeedItem[];
  /** Reviews raised by lanes and not yet decided, keyed by `site/device/reviewId`. */
  pendingReviews: Record<string, PendingReview>;
  rejected: number;
  lastError: string | null;
}

export const FEED_LIMIT = 200;

export const emptyCity = (): CityState => ({
  devices: {},
  feed: [],
  pendingReviews: {},
  rejected: 0,
  lastError: null,
});

const deviceKey = (site: string, device: string) => `${site}/${device}`;

function touchDevice(city: CityState, site: string, device: string, ts: number): DeviceState {
  const key = deviceKey(site, device);
  const existing = city.devices[key];
  const base: DeviceState = existing ?? {
    site,
    device,
    online: null,
    lastSeen: 0,
    bays: {},
    gates: {},
    cameras: {},
    intersections: {},
  };
  const next = { ...base, lastSeen: Math.max(base.lastSeen, ts) };
  city.devices = { ...city.devices, [key]: next };
  return next;
}

function intersectionOf(dev: DeviceState, id: string): IntersectionState {
  return dev.intersections[id] ?? { alarms: [] };
}

type Envelope<K extends TopicKind> = { id: string; ts: number; data: Data<K> };

/** Applies one raw MQTT message; invalid ones are counted, never thrown. */
export function applyMessage(state: CityState, topic: string, payload: Uint8Array | string): CityState {
  const decoded = decodeMessage(topic, payload);
  if (!decoded.ok) {
    return { ...state, rejected: state.rejected + 1, lastError: decoded.error.message };
  }
  return applyDecoded(state, decoded.value);
}

export function applyDecoded(state: CityState, msg: DecodedMessage): CityState {
  const { site, device } = msg.params;
  if (!site || !device || msg.kind === 'commandResponse') return state;
  if (msg.kind === 'command') return applyCommand(state, site, device, msg);
  const city: CityState = { ...state };
  const env = msg.payload as Envelope<TopicKind>;
  const dev = touchDevice(city, site, device, env.ts);
  const key = deviceKey(site, device);
  const put = (patch: Partial<DeviceState>) => {
    city.devices = { ...city.devices, [key]: { ...dev, ...patch } };
  };
  switch (msg.kind) {
    case 'status': {
      const st = (env as Envelope<'status'>).data;
      put({ online: st.state === 'online', ...(st.version ? { version: st.version } : {}) });
      break;
    }
    case 'evPosition': {
      const ev = (env as Envelope<'evPosition'>).data;
      put({ ev: { ...dev.ev, [ev.vehicleId]: { ...ev, ts: env.ts } } });
      break;
    }
    case 'health':
      put({ health: { ...(env as Envelope<'health'>).data, ts: env.ts } });
      break;
    case 'parkingLot':
      put({ lot: (env as Envelope<'parkingLot'>).data });
      break;
    case 'parkingBay': {
      const bay = (env as Envelope<'parkingBay'>).data;
      put({ bays: { ...dev.bays, [bay.bay]: bay } });
      break;
    }
    case 'parkingGate': {
      const gate = (env as Envelope<'parkingGate'>).data;
      put({ gates: { ...dev.gates, [gate.lane]: gate } });
      break;
    }
    case 'signalHeads':
    case 'spat':
    case 'cycle':
    case 'hiRes':
    case 'counts':
    case 'signalAlarm':
      applySignal(city, dev, key, msg.kind, msg.params.intersection ?? 'main', env);
      break;
    case 'parkingReviews':
      setReviews(city, site, device, (env as Envelope<'parkingReviews'>).data.pending);
      break;
    case 'lprRead': {
      const read = (env as Envelope<'lprRead'>).data;
      put({ cameras: { ...dev.cameras, [read.camera]: cameraRead(dev.cameras[read.camera], env.ts, read) } });
      addFeed(city, { id: env.id, ts: env.ts, site, device, kind: msg.kind, data: read });
      break;
    }
    case 'cameraFrame': {
      const f = (env as Envelope<'cameraFrame'>).data;
      put({ cameras: { ...dev.cameras, [f.camera]: cameraFrame(dev.cameras[f.camera], env.ts, f) } });
      break;
    }
    case 'parkingEvent':
      addFeed(city, {
        id: env.id,
        ts: env.ts,
        site,
        device,
        kind: msg.kind,
        data: env.data as FeedItem['data'],
      });
      break;
    default:
      break;
  }
  return city;
}

/**
 * A read replaces the camera's read; its thumbnail, if any, becomes the frame. A read without one
 * keeps the earlier frame, which the view shows dimmed with its own time (never as this read's).
 */
function cameraRead(was: CameraView | undefined, ts: number, read: Data<'lprRead'>): CameraView {
  const view: CameraView = { camera: read.camera, ts, plate: read.plate, confidence: read.confidence };
  if (read.lane) view.lane = read.lane;
  if (read.thumbnail) {
    const size = was?.frame?.frameSize; // same camera, same resolution: the box stays drawable
    view.frame = {
      ts,
      thumbnail: read.thumbnail,
      plate: read.plate,
      box: read.box,
      ...(size ? { frameSize: size } : {}),
    };
  } else if (was?.frame) view.frame = was.frame;
  return view;
}

/** The retained last frame: sets the frame, and the read too when none newer is known. */
function cameraFrame(was: CameraView | undefined, ts: number, f: Data<'cameraFrame'>): CameraView {
  const frame: CameraFrame = {
    ts,
    thumbnail: f.thumbnail,
    plate: f.plate,
    box: f.box,
    frameSize: f.frameSize,
  };
  if (was && was.ts > ts) return { ...was, frame: was.frame && was.frame.ts > ts ? was.frame : frame };
  const view: CameraView = { camera: f.camera, ts, plate: f.plate, confidence: f.confidence, frame };
  if (f.lane) view.lane = f.lane;
  if (f.bay) view.bay = f.bay;
  return view;
}

function applySignal(
  city: CityState,
  dev: DeviceState,
  key: string,
  kind: 'signalHeads' | 'spat' | 'cycle' | 'hiRes' | 'counts' | 'signalAlarm',
  id: string,
  env: Envelope<TopicKind>,
) {
  const current = intersectionOf(dev, id);
  let next: IntersectionState = current;
  if (kind === 'signalHeads') {
    const heads = env.data as Data<'signalHeads'>;
    const since = current.heads?.mode === heads.mode ? current.modeSince : env.ts;
    next = { ...current, heads, ...(since === undefined ? {} : { modeSince: since }) };
  }
  if (kind === 'hiRes') {
    const batch = (env.data as Data<'hiRes'>).events;
    next = { ...current, hiRes: [...[...batch].reverse(), ...(current.hiRes ?? [])].slice(0, HIRES_LIMIT) };
  }
  if (kind === 'counts') next = { ...current, counts: env.data as Data<'counts'> };
  if (kind === 'spat') {
    const spat = env.data as Data<'spat'>;
    const ringSince = spat.rings.map((r, i) => {
      const was = current.spat?.rings[i];
      const same = was && was.phase === r.phase && was.interval === r.interval;
      return same ? (current.ringSince?.[i] ?? env.ts) : env.ts;
    });
    next = { ...current, spat, spatTs: env.ts, ringSince };
  }
  if (kind === 'cycle') next = { ...current, lastCycle: env.data as Data<'cycle'> };
  if (kind === 'signalAlarm') {
    const alarm = { ...(env.data as Data<'signalAlarm'>), ts: env.ts };
    next = { ...current, alarms: [alarm, ...current.alarms].slice(0, 20) };
    addFeed(city, { id: env.id, ts: env.ts, site: dev.site, device: dev.device, kind, data: alarm });
  }
  city.devices = { ...city.devices, [key]: { ...dev, intersections: { ...dev.intersections, [id]: next } } };
}

/** Commands are seen only for what they tell the room: an EV's priority request carries its ETA. */
function applyCommand(state: CityState, site: string, device: string, msg: DecodedMessage): CityState {
  if (msg.params.command === 'priority.cancel') return cancelPriority(state, site, device, msg);
  if (msg.params.command !== 'priority.request') return state;
  const body = msg.payload as {
    args?: { intersection?: string; vehicleId?: string; routeId?: string; etaTs?: number };
  };
  const a = body.args;
  if (!a?.intersection || !a.vehicleId || typeof a.etaTs !== 'number') return state;
  const key = deviceKey(site, device);
  const city: CityState = { ...state };
  const dev = touchDevice(city, site, device, 0);
  const x = intersectionOf(dev, a.intersection);
  const priority = {
    vehicleId: a.vehicleId,
    etaTs: a.etaTs,
    ts: Date.now(),
    ...(a.routeId ? { routeId: a.routeId } : {}),
  };
  city.devices = {
    ...city.devices,
    [key]: { ...dev, intersections: { ...dev.intersections, [a.intersection]: { ...x, priority } } },
  };
  return city;
}

/** The EV has passed or was called off: its request no longer shows on the intersection. */
function cancelPriority(state: CityState, site: string, device: string, msg: DecodedMessage): CityState {
  const a = (msg.payload as { args?: { intersection?: string; vehicleId?: string } }).args;
  const dev = state.devices[deviceKey(site, device)];
  const x = a?.intersection ? dev?.intersections[a.intersection] : undefined;
  if (!dev || !x?.priority || x.priority.vehicleId !== a?.vehicleId) return state;
  const { priority: _gone, ...rest } = x;
  const intersections = { ...dev.intersections, [a.intersection!]: rest };
  return { ...state, devices: { ...state.devices, [deviceKey(site, device)]: { ...dev, intersections } } };
}

function addFeed(city: CityState, item: FeedItem) {
  if (city.feed.some((f) => f.id === item.id)) return; // a replayed message is shown once
  city.feed = [item, ...city.feed].slice(0, FEED_LIMIT);
  if (item.kind !== 'parkingEvent') return;
  const ev = item.data as Data<'parkingEvent'>;
  if (!ev.reviewId) return;
  const key = `${item.site}/${item.device}/${ev.reviewId}`;
  if (ev.kind === 'review' && ev.lane) {
    const review: PendingReview = {
      site: item.site,
      device: item.device,
      reviewId: ev.reviewId,
      lane: ev.lane,
      plate: ev.plate ?? null,
      reason: ev.reason ?? 'review',
      since: item.ts,
      ...(ev.confidence === undefined ? {} : { confidence: ev.confidence }),
    };
    city.pendingReviews = { ...city.pendingReviews, [key]: review };
  }
  if (ev.kind === 'reviewDecided') {
    const { [key]: _done, ...rest } = city.pendingReviews;
    city.pendingReviews = rest;
  }
}

/** The retained list is authoritative for its device: it replaces what events suggested. */
function setReviews(
  city: CityState,
  site: string,
  device: string,
  pending: Data<'parkingReviews'>['pending'],
) {
  const prefix = `${site}/${device}/`;
  const others = Object.entries(city.pendingReviews).filter(([k]) => !k.startsWith(prefix));
  const mine = pending.map((r) => [`${prefix}${r.reviewId}`, { ...r, site, device }] as const);
  city.pendingReviews = Object.fromEntries([...others, ...mine]);
}

/** Devices grouped for the overview: car parks first, then intersections. */
export function overview(state: CityState) {
  const devices = Object.values(state.devices).sort((a, b) =>
    deviceKey(a.site, a.device).localeCompare(deviceKey(b.site, b.device)),
  );
  return {
    lots: devices.filter((d) => d.lot),
    intersections: devices.flatMap((d) =>
      Object.entries(d.intersections).map(([id, x]) => ({ device: d, id, x })),
    ),
    offline: devices.filter((d) => d.online === false),
  };
}

/** A row of `/api/history/events` (docs/api.md): tags and fields of one stored event. */
export interface HistoryEvent {
  ts: number;
  site: string;
  device: string;
  source: 'parking' | 'signals';
  kind: string;
  msgId?: string;
  [field: string]: unknown;
}

/** A row of `/api/history/lpr` (the plate log and the camera wall's seed). */
export interface HistoryRead {
  ts: number;
  site: string;
  device: string;
  camera: string;
  lane?: string;
  plate: string | null;
  confidence: number;
}

/**
 * Seeds the feed and the camera wall from history when the control room opens: events are not
 * retained on MQTT, so without this a reload would show an empty log. Live items win: the same
 * message id is shown once, and a camera that already has a live read keeps it.
 */
export function seedHistory(state: CityState, events: HistoryEvent[], reads: HistoryRead[]): CityState {
  const city: CityState = { ...state, devices: { ...state.devices } };
  const known = new Set(city.feed.map((f) => f.id));
  const items: FeedItem[] = events
    .map((e, i): FeedItem => {
      const { ts, site, device, source, msgId, ...data } = e;
      const id = msgId ?? `history-${site}-${device}-${ts}-${i}`;
      const kind = source === 'parking' ? 'parkingEvent' : 'signalAlarm';
      return { id, ts, site, device, kind, data: data as unknown as FeedItem['data'] };
    })
    .filter((f) => !known.has(f.id));
  city.feed = [...city.feed, ...items].sort((a, b) => b.ts - a.ts).slice(0, FEED_LIMIT);
  for (const r of [...reads].sort((a, b) => a.ts - b.ts)) {
    const dev = touchDevice(city, r.site, r.device, 0);
    if (dev.cameras[r.camera] && dev.cameras[r.camera]!.ts >= r.ts) continue;
    const view: CameraView = { camera: r.camera, ts: r.ts, plate: r.plate, confidence: r.confidence };
    if (r.lane) view.lane = r.lane;
    const frame = dev.cameras[r.camera]?.frame; // retained frames may have come first: keep them
    if (frame) view.frame = frame;
    city.devices = {
      ...city.devices,
      [deviceKey(r.site, r.device)]: { ...dev, cameras: { ...dev.cameras, [r.camera]: view } },
    };
  }
  return city;
}
