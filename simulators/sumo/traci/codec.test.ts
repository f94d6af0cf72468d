/**
 * Encoding/decoding on byte fixtures. Request fixtures were produced by SUMO's own Python client
 * (`traci.connection.Connection._sendCmd` in /usr/share/sumo/tools), answers by `struct.pack`
 * following the TraCI protocol page, so both sides are checked against an independent reference.
 */
import { describe, expect, it } from 'vitest';
import {
  TraciReader,
  encodeCommand,
  encodeMessage,
  encodeSubscription,
  encodeVariableCommand,
  readStatus,
} from './codec.ts';
import { CMD, GET, SET, SUBSCRIBE, VAR } from './constants.ts';
import { readControlledLinks, readVehicleData } from './domains.ts';
import { TraciError } from './errors.ts';
import { readStepAnswer } from './subscriptions.ts';

const hex = (b: Buffer) => b.toString('hex');
const reader = (h: string) => new TraciReader(Buffer.from(h, 'hex'));

describe('request encoding (fixtures from the Python client)', () => {
  it('encodes simulationStep(0), getVersion and close', () => {
    const step = Buffer.alloc(8);
    step.writeDoubleBE(0);
    expect(hex(encodeMessage([encodeCommand(CMD.SIMSTEP, step)]))).toBe('0000000e0a020000000000000000');
    expect(hex(encodeMessage([encodeCommand(CMD.GETVERSION, Buffer.alloc(0))]))).toBe('000000060200');
    expect(hex(encodeMessage([encodeCommand(CMD.CLOSE, Buffer.alloc(0))]))).toBe('00000006027f');
  });

  it('encodes variable get and set commands', () => {
    expect(hex(encodeMessage([encodeVariableCommand(GET.TL, VAR.TL_RED_YELLOW_GREEN_STATE, 'C')]))).toBe(
      '0000000c08a2200000000143',
    );
    expect(hex(encodeMessage([encodeVariableCommand(GET.VEHICLE, VAR.SPEED, 'ev0')]))).toBe(
      '0000000e0aa44000000003657630',
    );
    const set = encodeVariableCommand(SET.TL, VAR.TL_RED_YELLOW_GREEN_STATE, 'C', (w) =>
      w.typedString('GGrr'),
    );
    expect(hex(encodeMessage([set]))).toBe('0000001511c22000000001430c0000000447477272');
    const prog = encodeVariableCommand(SET.TL, VAR.TL_PROGRAM, 'J1', (w) => w.typedString('off'));
    expect(hex(encodeMessage([prog]))).toBe('0000001511c223000000024a310c000000036f6666');
  });

  it('uses the extended length form for commands longer than 255 bytes', () => {
    const set = encodeVariableCommand(SET.TL, VAR.TL_RED_YELLOW_GREEN_STATE, 'C', (w) =>
      w.typedString('G'.repeat(300)),
    );
    const msg = encodeMessage([set]);
    expect(msg.length).toBe(321);
    expect(hex(msg.subarray(0, 12))).toBe('00000141000000013dc22000');
  });

  it('encodes a variable subscription with begin/end = INVALID_DOUBLE_VALUE', () => {
    const sub = encodeSubscription(SUBSCRIBE.INDUCTIONLOOP, 'd1', [
      VAR.LAST_STEP_VEHICLE_NUMBER,
      VAR.LAST_STEP_OCCUPANCY,
    ]);
    expect(hex(encodeMessage([sub]))).toBe('0000001f1bd0c1d0000000000000c1d0000000000000000000026431021013');
  });
});

describe('answer decoding', () => {
  it('reads a get answer: status, then response id, variable, object id and typed value', () => {
    const r = reader('07a2000000000011b22000000001430c0000000447477272');
    expect(readStatus(r, GET.TL).result).toBe(0);
    r.commandLength();
    expect([r.ubyte(), r.ubyte(), r.string(), r.typed()]).toEqual([0xb2, 0x20, 'C', 'GGrr']);
    expect(r.remaining).toBe(0);
  });

  it("turns a non-zero status into TRACI_COMMAND_FAILED carrying SUMO's message", () => {
    const r = reader('28a2ff0000002154726166666963206c6967687420276e6f706527206973206e6f74206b6e6f776e');
    expect(() => readStatus(r, GET.TL)).toThrow(
      expect.objectContaining({ code: 'TRACI_COMMAND_FAILED', message: "Traffic light 'nope' is not known" }),
    );
  });

  it('reports a status for the wrong command as a protocol error', () => {
    const r = reader('07a2000000000011b22000000001430c0000000447477272');
    expect(() => readStatus(r, GET.VEHICLE)).toThrow(expect.objectContaining({ code: 'TRACI_PROTOCOL' }));
  });

  it('rejects truncated data with TRACI_PROTOCOL instead of crashing', () => {
    const r = reader('07a20000');
    expect(() => readStatus(r, GET.TL)).toThrow(TraciError);
    expect(() => reader('0c00000010').typed()).toThrow(expect.objectContaining({ code: 'TRACI_PROTOCOL' }));
    expect(() => reader('ee').typed()).toThrow(/unknown type tag 0xee/);
  });

  it('decodes controlled links per link index', () => {
    const r = reader(
      '07a200000000005eb22700000001430f00000005090000000209000000010e00000003000000054e5f505f3000000005435f575f30000000063a435f305f3009000000010e00000003000000054e5f505f3200000005435f455f31000000063a435f335f30',
    );
    readStatus(r, GET.TL);
    r.commandLength();
    r.ubyte();
    r.ubyte();
    r.string();
    expect(readControlledLinks(r)).toEqual([
      [{ fromLane: 'N_P_0', toLane: 'C_W_0', viaLane: ':C_0_0' }],
      [{ fromLane: 'N_P_2', toLane: 'C_E_1', viaLane: ':C_3_0' }],
    ]);
  });

  it('decodes induction-loop vehicle data', () => {
    const r = reader(
      '07a000000000003db0170000000264310f0000000609000000010c0000000276310b40140000000000000b40240000000000000bbff00000000000000c00000003636172',
    );
    readStatus(r, GET.INDUCTIONLOOP);
    r.commandLength();
    r.ubyte();
    r.ubyte();
    expect(r.string()).toBe('d1');
    expect(readVehicleData(r)).toEqual([
      { vehicleId: 'v1', lengthM: 5, entryTimeS: 10, leaveTimeS: -1, typeId: 'car' },
    ]);
  });

  it('decodes the subscription results pushed with a simulation step', () => {
    const res = readStepAnswer(
      reader('07020000000000000000011be0000000026431021000090000000313000b4029000000000000'),
      CMD.SIMSTEP,
    );
    expect(res.number('inductionLoop', 'd1', VAR.LAST_STEP_VEHICLE_NUMBER)).toBe(3);
    expect(res.number('inductionLoop', 'd1', VAR.LAST_STEP_OCCUPANCY)).toBe(12.5);
    expect(res.number('inductionLoop', 'd2', VAR.LAST_STEP_OCCUPANCY)).toBeUndefined();
    expect(res.objects('inductionLoop')).toEqual(['d1']);
  });
});
