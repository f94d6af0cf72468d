import { randomInt } from 'node:crypto';

/**
 * A new user's first token version: random, so a user deleted and created again under the same
 * name does not revive the old account's tokens (they carry the old version). Room left above
 * for bumps.
 */
export const firstTokenVersion = (): number => randomInt(1, 2 ** 30);
