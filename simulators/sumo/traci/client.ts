/**
 * A TypeScript TraCI client: the subset of protocol version 20 the SUMO bridge needs.
 * Each domain groups its typed getters and setters; every method is one request/response.
 */
import {
  type Position,
  type TraciReader,
  type TraciValue,
  type TraciWriter,
  encodeCommand,
  encodeSubscription,
  encodeVariableCommand,
  readStatus,
} from './codec.ts';
import { CMD } from './constants.ts';
import { type ConnectOptions, TraciConnection } from './connection.ts';
import { TraciError } from './errors.ts';
import type { TraciTransport } from './types.ts';
import {
  SUBSCRIBE_IDS,
  type SubscriptionDomain,
  type SubscriptionResults,
  readStepAnswer,
  readSubscriptionEntry,
} from './subscriptions.ts';
import {
  createDetectorDomains,
  createLaneDomain,
  createSimulationDomain,
  createTrafficLightDomain,
  createVehicleDomain,
} from './domains.ts';

export interface TraciVersion {
  readonly apiVersion: number;
  readonly identifier: string;
}

export class TraciClient implements TraciTransport {
  readonly trafficLight = createTrafficLightDomain(this);
  readonly inductionLoop;
  readonly laneArea;
  readonly vehicle = createVehicleDomain(this);
  readonly simulation = createSimulationDomain(this);
  readonly lane = createLaneDomain(this);

  private constructor(private readonly conn: TraciConnection) {
    const d = createDetectorDomains(this);
    this.inductionLoop = d.inductionLoop;
    this.laneArea = d.laneArea;
  }

  static async connect(opts: ConnectOptions): Promise<TraciClient> {
    return new TraciClient(await TraciConnection.open(opts));
  }

  async getVersion(): Promise<TraciVersion> {
    const r = await this.conn.request([encodeCommand(CMD.GETVERSION, Buffer.alloc(0))]);
    readStatus(r, CMD.GETVERSION);
    r.commandLength();
    const id = r.ubyte();
    if (id !== CMD.GETVERSION) throw new TraciError('TRACI_PROTOCOL', `version answer 0x${id.toString(16)}`);
    return { apiVersion: r.int(), identifier: r.string() };
  }

  /** Advances to `targetTimeS` (0 = exactly one step) and returns the step's subscription values. */
  async simulationStep(targetTimeS = 0): Promise<SubscriptionResults> {
    const content = Buffer.alloc(8);
    content.writeDoubleBE(targetTimeS);
    const r = await this.conn.request([encodeCommand(CMD.SIMSTEP, content)]);
    return readStepAnswer(r, CMD.SIMSTEP);
  }

  /** Subscribes to variables of one object; values arrive with every later step. */
  async subscribe(domain: SubscriptionDomain, objectId: string, variables: readonly number[]): Promise<void> {
    const cmd = SUBSCRIBE_IDS[domain];
    const r = await this.conn.request([encodeSubscription(cmd, objectId, variables)]);
    readStatus(r, cmd);
    if (variables.length > 0) readSubscriptionEntry(r);
  }

  /** Ends the session; SUMO answers, then closes its side (and exits when it was the last client). */
  async close(): Promise<void> {
    if (this.conn.isClosed) return;
    try {
      const r = await this.conn.request([encodeCommand(CMD.CLOSE, Buffer.alloc(0))]);
      readStatus(r, CMD.CLOSE);
    } finally {
      this.conn.destroy();
    }
  }

  /** Drops the socket without the close handshake (for error paths). */
  destroy(): void {
    this.conn.destroy();
  }

  async getReader(getCommand: number, variable: number, objectId: string): Promise<TraciReader> {
    const r = await this.conn.request([encodeVariableCommand(getCommand, variable, objectId)]);
    readStatus(r, getCommand);
    r.commandLength();
    const response = r.ubyte();
    const gotVar = r.ubyte();
    const gotId = r.string();
    if (response !== getCommand + 0x10 || gotVar !== variable || gotId !== objectId) {
      throw new TraciError(
        'TRACI_PROTOCOL',
        `answer 0x${response.toString(16)}/0x${gotVar.toString(16)}/${gotId} for 0x${getCommand.toString(16)}/0x${variable.toString(16)}/${objectId}`,
      );
    }
    return r;
  }

  async get(getCommand: number, variable: number, objectId: string): Promise<TraciValue> {
    return (await this.getReader(getCommand, variable, objectId)).typed();
  }

  async set(
    setCommand: number,
    variable: number,
    objectId: string,
    params: (w: TraciWriter) => void,
  ): Promise<void> {
    const r = await this.conn.request([encodeVariableCommand(setCommand, variable, objectId, params)]);
    readStatus(r, setCommand);
  }
}

export type { Position };
