/**
 * Decoding of the Indiana Traffic Signal Hi-Resolution Data Logger Enumerations (Sturdevant et
 * al., INDOT/Purdue 2012) for the engineer's event log: each code's name and what its parameter
 * counts (a phase, a detector channel, a preempt input …). Pure, so it is unit-tested in Node.
 */

export type ParamKind =
  | 'phase'
  | 'ped'
  | 'overlap'
  | 'detector'
  | 'pedDetector'
  | 'preempt'
  | 'tsp'
  | 'flash'
  | 'value';

export type EventGroup = 'phase' | 'ped' | 'call' | 'detector' | 'preempt' | 'coord' | 'unit';

interface CodeInfo {
  name: string;
  param: ParamKind;
  group: EventGroup;
}

const c = (name: string, param: ParamKind, group: EventGroup): CodeInfo => ({ name, param, group });

/** The enumerations' table, codes 0–185 (reserved codes are left out and decode as unknown). */
const CODES: Record<number, CodeInfo> = {
  0: c('Phase on', 'phase', 'phase'),
  1: c('Phase begin green', 'phase', 'phase'),
  2: c('Phase check', 'phase', 'phase'),
  3: c('Phase min complete', 'phase', 'phase'),
  4: c('Phase gap out', 'phase', 'phase'),
  5: c('Phase max out', 'phase', 'phase'),
  6: c('Phase force off', 'phase', 'phase'),
  7: c('Phase green termination', 'phase', 'phase'),
  8: c('Phase begin yellow clearance', 'phase', 'phase'),
  9: c('Phase end yellow clearance', 'phase', 'phase'),
  10: c('Phase begin red clearance', 'phase', 'phase'),
  11: c('Phase end red clearance', 'phase', 'phase'),
  12: c('Phase inactive', 'phase', 'phase'),
  13: c('Extension activate', 'phase', 'phase'),
  14: c('Extension deactivate', 'phase', 'phase'),
  21: c('Pedestrian begin walk', 'ped', 'ped'),
  22: c('Pedestrian begin clearance', 'ped', 'ped'),
  23: c("Pedestrian begin solid don't walk", 'ped', 'ped'),
  24: c('Pedestrian dark', 'ped', 'ped'),
  31: c('Barrier termination', 'value', 'phase'),
  32: c('FYA begin permissive', 'phase', 'phase'),
  33: c('FYA end permissive', 'phase', 'phase'),
  41: c('Phase hold active', 'phase', 'call'),
  42: c('Phase hold released', 'phase', 'call'),
  43: c('Phase call registered', 'phase', 'call'),
  44: c('Phase call dropped', 'phase', 'call'),
  45: c('Pedestrian call registered', 'ped', 'call'),
  46: c('Phase omit on', 'phase', 'call'),
  47: c('Phase omit off', 'phase', 'call'),
  48: c('Pedestrian omit on', 'ped', 'call'),
  49: c('Pedestrian omit off', 'ped', 'call'),
  61: c('Overlap begin green', 'overlap', 'phase'),
  62: c('Overlap begin trailing green', 'overlap', 'phase'),
  63: c('Overlap begin yellow', 'overlap', 'phase'),
  64: c('Overlap begin red clearance', 'overlap', 'phase'),
  65: c('Overlap off', 'overlap', 'phase'),
  66: c('Overlap dark', 'overlap', 'phase'),
  67: c('Pedestrian overlap begin walk', 'overlap', 'ped'),
  68: c('Pedestrian overlap begin clearance', 'overlap', 'ped'),
  69: c("Pedestrian overlap begin solid don't walk", 'overlap', 'ped'),
  70: c('Pedestrian overlap dark', 'overlap', 'ped'),
  81: c('Detector off', 'detector', 'detector'),
  82: c('Detector on', 'detector', 'detector'),
  83: c('Detector restored', 'detector', 'detector'),
  84: c('Detector fault: other', 'detector', 'detector'),
  85: c('Detector fault: watchdog', 'detector', 'detector'),
  86: c('Detector fault: open loop', 'detector', 'detector'),
  87: c('Detector fault: shorted loop', 'detector', 'detector'),
  88: c('Detector fault: excessive change', 'detector', 'detector'),
  89: c('Ped detector off', 'pedDetector', 'detector'),
  90: c('Ped detector on', 'pedDetector', 'detector'),
  91: c('Ped detector failed', 'pedDetector', 'detector'),
  92: c('Ped detector restored', 'pedDetector', 'detector'),
  101: c('Preempt advance warning input', 'preempt', 'preempt'),
  102: c('Preempt call input on', 'preempt', 'preempt'),
  103: c('Preempt gate down input received', 'preempt', 'preempt'),
  104: c('Preempt call input off', 'preempt', 'preempt'),
  105: c('Preempt entry started', 'preempt', 'preempt'),
  106: c('Preempt begin track clearance', 'preempt', 'preempt'),
  107: c('Preempt begin dwell service', 'preempt', 'preempt'),
  108: c('Preempt link active on', 'preempt', 'preempt'),
  109: c('Preempt link active off', 'preempt', 'preempt'),
  110: c('Preempt max presence exceeded', 'preempt', 'preempt'),
  111: c('Preempt begin exit interval', 'preempt', 'preempt'),
  112: c('TSP check in', 'tsp', 'preempt'),
  113: c('TSP adjustment to early green', 'tsp', 'preempt'),
  114: c('TSP adjustment to extend green', 'tsp', 'preempt'),
  115: c('TSP check out', 'tsp', 'preempt'),
  131: c('Coord pattern change', 'value', 'coord'),
  132: c('Cycle length change', 'value', 'coord'),
  133: c('Offset length change', 'value', 'coord'),
  150: c('Coord cycle state change', 'value', 'coord'),
  151: c('Coordinated phase yield point', 'phase', 'coord'),
  171: c('Test input on', 'value', 'unit'),
  172: c('Test input off', 'value', 'unit'),
  173: c('Unit flash status change', 'flash', 'unit'),
  174: c('Unit alarm status 1 change', 'value', 'unit'),
  175: c('Alarm group state change', 'value', 'unit'),
  176: c('Special function output on', 'value', 'unit'),
  177: c('Special function output off', 'value', 'unit'),
  178: c('Manual control enable off/on', 'value', 'unit'),
  179: c('Interval advance off/on', 'value', 'unit'),
  180: c('Stop time input off/on', 'value', 'unit'),
  181: c('Controller clock updated', 'value', 'unit'),
  182: c('Power failure detected', 'value', 'unit'),
  184: c('Power restored', 'value', 'unit'),
  185: c('Vendor-specific alarm', 'value', 'unit'),
};
// 134–149: split change for phases 1–16 (the parameter is the new split in seconds).
for (let n = 1; n <= 16; n++) CODES[133 + n] = c(`Split ${n} change`, 'value', 'coord');

/** Code 173's parameter: the cause of the unit's flash state. */
const FLASH_CAUSE: Record<number, string> = {
  1: 'other',
  2: 'not in flash',
  3: 'automatic',
  4: 'local manual',
  5: 'fault monitor',
  6: 'MMU',
  7: 'startup',
  8: 'preempt',
};

const PARAM_LABEL: Record<Exclude<ParamKind, 'flash' | 'value'>, string> = {
  phase: 'phase',
  ped: 'ped phase',
  overlap: 'overlap',
  detector: 'detector channel',
  pedDetector: 'ped detector',
  preempt: 'preempt input',
  tsp: 'TSP input',
};

export interface DecodedEvent {
  code: number;
  name: string;
  group: EventGroup | 'unknown';
  /** The parameter in words, e.g. "phase 2", "detector channel 5", "cause: MMU". */
  param: string;
}

export function decodeEvent(code: number, param: number): DecodedEvent {
  const info = CODES[code];
  if (!info) return { code, name: `Unknown code ${code}`, group: 'unknown', param: String(param) };
  const words =
    info.param === 'flash'
      ? `cause: ${FLASH_CAUSE[param] ?? `code ${param}`}`
      : info.param === 'value'
        ? String(param)
        : `${PARAM_LABEL[info.param]} ${param}`;
  return { code, name: info.name, group: info.group, param: words };
}

/** Codes an engineer filters the log by, grouped as the enumerations' sections are. */
export const GROUP_LABEL: Record<EventGroup | 'unknown', string> = {
  phase: 'phase intervals',
  ped: 'pedestrian',
  call: 'calls',
  detector: 'detectors',
  preempt: 'preemption',
  coord: 'coordination',
  unit: 'unit',
  unknown: 'other',
};
