/**
 * The broker's relational store behind one async interface: users, devices and their
 * credentials (the ACL is derived from them), the vehicle registry and the audit log.
 * SQLite (embedded, one node) is the default; PostgreSQL is the one registry a cluster of
 * broker nodes shares. The same test suite (`store.test.ts`) runs against both.
 */
import type { Role } from '../auth/identity.ts';
import type { AuditEntry } from './audit.ts';
import type { Vehicle } from './registry.ts';
import type { DeviceKind, DeviceRow, UserRow } from './users.ts';

export type { AuditEntry } from './audit.ts';
export type { Vehicle } from './registry.ts';
export type { DeviceKind, DeviceRow, UserRow } from './users.ts';

export { firstTokenVersion } from './token-version.ts';

export interface AccountStore {
  userHash(username: string): Promise<{ hash: string; role: Role; tokenVersion: number } | undefined>;
  /** The version every valid token of this user carries; undefined once the user is gone. */
  tokenVersion(username: string): Promise<number | undefined>;
  listUsers(): Promise<UserRow[]>;
  /** Returns false when the user exists already. */
  createUser(username: string, hash: string, role: Role): Promise<boolean>;
  /** A new password or a different role bumps the token version: every older token is revoked. */
  updateUser(username: string, change: { hash?: string; role?: Role }): Promise<boolean>;
  deleteUser(username: string): Promise<boolean>;
  deviceHash(site: string, device: string): Promise<{ hash: string | null; kind: DeviceKind } | undefined>;
  listDevices(): Promise<DeviceRow[]>;
  devicesOfKind(kind: DeviceKind, sites: string[]): Promise<{ site: string; device: string }[]>;
  /** Returns false when the device exists already. */
  createDevice(site: string, device: string, kind: DeviceKind, hash: string | null): Promise<boolean>;
  deleteDevice(site: string, device: string): Promise<boolean>;
}

export interface RegistryStore {
  get(plate: string): Promise<Vehicle | undefined>;
  /** `q` matches a plate prefix (bound as a parameter, `%`/`_` escaped). */
  list(q: string, limit: number, offset: number): Promise<{ vehicles: Vehicle[]; total: number }>;
  /** Inserts or replaces in one transaction; returns the previous version. */
  upsert(v: Vehicle): Promise<Vehicle | undefined>;
  remove(plate: string): Promise<Vehicle | undefined>;
}

export interface AuditStore {
  record(e: Omit<AuditEntry, 'id' | 'ts'> & { ts?: number }): Promise<number>;
  query(q: { from: number; to: number; actor?: string | undefined; limit: number }): Promise<AuditEntry[]>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly accounts: AccountStore;
  readonly registry: RegistryStore;
  readonly audit: AuditStore;
  /** Schema version after migrations. */
  readonly schemaVersion: number;
  close(): Promise<void>;
}
