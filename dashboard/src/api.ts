/** Thin client of the broker's HTTP API (docs/api.md): bearer token, JSON, error codes kept. */
import type { VehicleCategory } from '../../core/contract/payloads.ts';

export type Role = 'viewer' | 'operator' | 'admin';
export interface Session {
  token: string;
  username: string;
  role: Role;
  expiresAt: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const roleRank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export const can = (session: Session | null, role: Role) =>
  !!session && roleRank[session.role] >= roleRank[role];

export async function request<T>(
  method: string,
  path: string,
  session: Session | null,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok)
    throw new ApiError(res.status, json.error?.code ?? 'API_UNKNOWN', json.error?.message ?? res.statusText);
  return json as T;
}

export const api = {
  login: (username: string, password: string) =>
    request<Session>('POST', '/api/login', null, { username, password }),
  get: <T>(session: Session, path: string) => request<T>('GET', path, session),
  command: (session: Session, site: string, device: string, command: string, args: Record<string, unknown>) =>
    request<{ transaction: string; response: { status: 'ok' | 'error'; error?: { message: string } } }>(
      'POST',
      '/api/commands',
      session,
      { site, device, command, args, timeoutMs: 5000 },
    ),
  upsertVehicle: (session: Session, v: Vehicle) =>
    request<Vehicle>('PUT', `/api/registry/vehicles/${encodeURIComponent(v.plate)}`, session, {
      owner: v.owner,
      category: v.category,
      sites: v.sites,
      ...(v.validUntil ? { validUntil: v.validUntil } : {}),
    }),
  removeVehicle: (session: Session, plate: string) =>
    request<void>('DELETE', `/api/registry/vehicles/${encodeURIComponent(plate)}`, session),
};

export interface Vehicle {
  plate: string;
  owner: string;
  category: VehicleCategory;
  validFrom?: number;
  validUntil?: number;
  sites: string[];
}

export interface LotSeries {
  site: string;
  lot: string;
  points: Array<{ ts: number; total: number; available: number; occupied: number; unknown: number }>;
}

const SESSION_KEY = 'cityedge.session';
export function loadSession(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}
export function saveSession(s: Session | null) {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}
