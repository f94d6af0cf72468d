/**
 * The subset of TraCI constants this client uses, protocol version 20 (SUMO 1.15).
 * Values from the TraCI protocol spec (https://sumo.dlr.de/docs/TraCI/Protocol.html) and
 * `/usr/share/sumo/tools/traci/constants.py`, which is generated from SUMO's TraCIConstants.h.
 */
export const TRACI_API_VERSION = 20;

/** Control commands [TraCI/Control-related commands]. */
export const CMD = {
  GETVERSION: 0x00,
  SIMSTEP: 0x02,
  SETORDER: 0x03,
  CLOSE: 0x7f,
} as const;

/** Variable-get command ids per domain; the response id is `get + 0x10`. */
export const GET = {
  INDUCTIONLOOP: 0xa0,
  TL: 0xa2,
  LANE: 0xa3,
  VEHICLE: 0xa4,
  SIM: 0xab,
  LANEAREA: 0xad,
} as const;

/** Variable-set command ids per domain. */
export const SET = {
  TL: 0xc2,
  VEHICLE: 0xc4,
} as const;

/** Variable-subscription command ids; the response id is `subscribe + 0x10`. */
export const SUBSCRIBE = {
  INDUCTIONLOOP: 0xd0,
  TL: 0xd2,
  VEHICLE: 0xd4,
  SIM: 0xdb,
  LANEAREA: 0xdd,
} as const;

/** Status byte of every response [TraCI/Protocol#Status Response]. */
export const RTYPE = { OK: 0x00, NOTIMPLEMENTED: 0x01, ERR: 0xff } as const;

/** Data type tags [TraCI/Protocol#Data types]. */
export const TYPE = {
  POSITION_2D: 0x01,
  POSITION_3D: 0x03,
  POLYGON: 0x06,
  UBYTE: 0x07,
  BYTE: 0x08,
  INTEGER: 0x09,
  DOUBLE: 0x0b,
  STRING: 0x0c,
  STRINGLIST: 0x0e,
  COMPOUND: 0x0f,
  DOUBLELIST: 0x10,
  COLOR: 0x11,
} as const;

/** Variable ids shared by several domains. */
export const VAR = {
  ID_LIST: 0x00,
  ID_COUNT: 0x01,
  // detectors (induction loop E1, lane area E2)
  LAST_STEP_VEHICLE_NUMBER: 0x10,
  LAST_STEP_MEAN_SPEED: 0x11,
  LAST_STEP_VEHICLE_ID_LIST: 0x12,
  LAST_STEP_OCCUPANCY: 0x13,
  LAST_STEP_VEHICLE_HALTING_NUMBER: 0x14,
  LAST_STEP_VEHICLE_DATA: 0x17,
  JAM_LENGTH_METERS: 0x19,
  // traffic lights
  TL_RED_YELLOW_GREEN_STATE: 0x20,
  TL_PHASE_INDEX: 0x22,
  TL_PROGRAM: 0x23,
  TL_CONTROLLED_LANES: 0x26,
  TL_CONTROLLED_LINKS: 0x27,
  TL_CURRENT_PHASE: 0x28,
  TL_CURRENT_PROGRAM: 0x29,
  // vehicles
  SPEED: 0x40,
  POSITION: 0x42,
  ANGLE: 0x43,
  VEHICLECLASS: 0x49,
  TYPE: 0x4f,
  ROAD_ID: 0x50,
  LANE_ID: 0x51,
  ROUTE_ID: 0x53,
  LANEPOSITION: 0x56,
  EDGES: 0x54,
  LENGTH: 0x44,
  ROUTE_INDEX: 0x69,
  WAITING_TIME: 0x7a,
  TIMELOSS: 0x8c,
  DISTANCE: 0x84,
  // simulation
  TIME: 0x66,
  DEPARTED_VEHICLES_NUMBER: 0x73,
  DEPARTED_VEHICLES_IDS: 0x74,
  TELEPORT_STARTING_VEHICLES_NUMBER: 0x75,
  TELEPORT_STARTING_VEHICLES_IDS: 0x76,
  ARRIVED_VEHICLES_NUMBER: 0x79,
  ARRIVED_VEHICLES_IDS: 0x7a,
  MIN_EXPECTED_VEHICLES: 0x7d,
} as const;
