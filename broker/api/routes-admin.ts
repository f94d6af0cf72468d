/** Registry, devices, users and audit. Every change is audited; registry changes reach the gates. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { idSchema, plateSchema as plate, vehicleCategory } from '../../core/contract/payloads.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Vehicle } from '../db/registry.ts';
import type { ApiDeps } from './deps.ts';
import { type Caller, type Ctx, fail, parse, query, type Route } from './http.ts';

const vehicleBody = z.strictObject({
  owner: z.string().min(1).max(120),
  category: vehicleCategory,
  validFrom: z.number().int().min(0).optional(),
  validUntil: z.number().int().min(0).optional(),
  sites: z.array(idSchema).max(100).default([]),
});
const username = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/);
const role = z.enum(['viewer', 'operator', 'admin']);

async function audit(
  d: ApiDeps,
  caller: Caller,
  action: string,
  target: string,
  detail: unknown,
  outcome = 'ok',
) {
  await d.audit.record({
    actor: caller.username,
    role: caller.role,
    action,
    target,
    detail: JSON.stringify(detail),
    outcome,
  });
}

/** Pushes a registry change to the parking devices of the affected sites (no wait: audited as sent). */
async function push(d: ApiDeps, caller: Caller, before: Vehicle | undefined, after: Vehicle | undefined) {
  const devices = (sites: string[]) => d.accounts.devicesOfKind('parking', sites);
  const key = (x: { site: string; device: string }) => `${x.site}/${x.device}`;
  const gaining = after ? await devices(after.sites) : [];
  const gainingKeys = new Set(gaining.map(key));
  const losing = before ? (await devices(before.sites)).filter((x) => !gainingKeys.has(key(x))) : [];
  const send = (x: { site: string; device: string }, command: string, args: unknown) =>
    d.relay.send({ ...x, command, args, actor: caller.username, role: caller.role, timeoutMs: 0 });
  for (const x of gaining) {
    const { sites: _, ...v } = after!;
    await send(x, 'registry.upsert', { vehicles: [v] });
  }
  for (const x of losing) await send(x, 'registry.remove', { plates: [before!.plate] });
}

async function upsert(d: ApiDeps, ctx: Ctx, plateId: string, mustBeNew: boolean) {
  const body = parse(vehicleBody, await ctx.body());
  const v: Vehicle = { plate: plateId, ...body };
  if (mustBeNew && (await d.registry.get(plateId))) fail('API_CONFLICT', `vehicle ${plateId} exists`);
  const before = await d.registry.upsert(v);
  await audit(d, ctx.caller!, 'registry.upsert', plateId, { before, after: v });
  await push(d, ctx.caller!, before, v);
  return { status: mustBeNew ? 201 : 200, body: await d.registry.get(plateId) };
}

export function adminRoutes(d: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/api\/registry\/vehicles$/,
      role: 'viewer',
      handle: async (ctx) => {
        const q = parse(
          z.object({
            q: z
              .string()
              .regex(/^[A-Z0-9]{0,10}$/)
              .default(''),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          query(ctx),
        );
        return { status: 200, body: await d.registry.list(q.q, q.limit, q.offset) };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/registry\/vehicles\/([^/]+)$/,
      role: 'viewer',
      handle: async (ctx) => {
        const v = await d.registry.get(parse(plate, ctx.params[0]));
        return v ? { status: 200, body: v } : fail('API_NOT_FOUND', 'no such vehicle');
      },
    },
    {
      method: 'POST',
      path: /^\/api\/registry\/vehicles$/,
      role: 'admin',
      handle: async (ctx) => {
        const raw = (await ctx.body()) as Record<string, unknown> | undefined;
        const p = parse(plate, raw?.plate);
        const { plate: _, ...rest } = raw ?? {};
        return upsert(d, { ...ctx, body: async () => rest }, p, true);
      },
    },
    {
      method: 'PUT',
      path: /^\/api\/registry\/vehicles\/([^/]+)$/,
      role: 'admin',
      handle: (ctx) => upsert(d, ctx, parse(plate, ctx.params[0]), false),
    },
    {
      method: 'DELETE',
      path: /^\/api\/registry\/vehicles\/([^/]+)$/,
      role: 'admin',
      handle: async (ctx) => {
        const p = parse(plate, ctx.params[0]);
        const before = (await d.registry.remove(p)) ?? fail('API_NOT_FOUND', 'no such vehicle');
        audit(d, ctx.caller!, 'registry.remove', p, { before });
        await push(d, ctx.caller!, before, undefined);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/devices$/,
      role: 'viewer',
      handle: async () => ({ status: 200, body: { devices: await d.accounts.listDevices() } }),
    },
    {
      method: 'POST',
      path: /^\/api\/devices$/,
      role: 'admin',
      handle: async (ctx) => {
        const b = parse(
          z.strictObject({
            site: idSchema,
            device: idSchema,
            kind: z.enum(['parking', 'signals', 'other']),
            password: z.string().min(8).max(256).optional(),
          }),
          await ctx.body(),
        );
        const password = b.password ?? randomBytes(18).toString('base64url');
        if (!(await d.accounts.createDevice(b.site, b.device, b.kind, await hashPassword(password)))) {
          fail('API_CONFLICT', `device ${b.site}.${b.device} exists`);
        }
        audit(d, ctx.caller!, 'device.create', `${b.site}/${b.device}`, { kind: b.kind });
        return { status: 201, body: { site: b.site, device: b.device, kind: b.kind, password } };
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/devices\/([^/]+)\/([^/]+)$/,
      role: 'admin',
      handle: async (ctx) => {
        const [site, device] = [parse(idSchema, ctx.params[0]), parse(idSchema, ctx.params[1])];
        if (!(await d.accounts.deleteDevice(site, device))) fail('API_NOT_FOUND', 'no such device');
        audit(d, ctx.caller!, 'device.delete', `${site}/${device}`, {});
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/users$/,
      role: 'admin',
      handle: async () => ({ status: 200, body: { users: await d.accounts.listUsers() } }),
    },
    {
      method: 'POST',
      path: /^\/api\/users$/,
      role: 'admin',
      handle: async (ctx) => {
        const b = parse(
          z.strictObject({ username, password: z.string().min(8).max(256), role }),
          await ctx.body(),
        );
        if (!(await d.accounts.createUser(b.username, await hashPassword(b.password), b.role))) {
          fail('API_CONFLICT', `user ${b.username} exists`);
        }
        audit(d, ctx.caller!, 'user.create', b.username, { role: b.role });
        return { status: 201, body: { username: b.username, role: b.role } };
      },
    },
    {
      method: 'PUT',
      path: /^\/api\/users\/([^/]+)$/,
      role: 'admin',
      handle: async (ctx) => {
        const name = parse(username, ctx.params[0]);
        const b = parse(
          z.strictObject({ password: z.string().min(8).max(256).optional(), role: role.optional() }),
          await ctx.body(),
        );
        const hash = b.password ? await hashPassword(b.password) : undefined;
        if (
          !(await d.accounts.updateUser(name, {
            ...(hash ? { hash } : {}),
            ...(b.role ? { role: b.role } : {}),
          }))
        ) {
          fail('API_NOT_FOUND', 'no such user');
        }
        await d.revoked(name); // a no-op when neither role nor password changed
        audit(d, ctx.caller!, 'user.update', name, { role: b.role, passwordChanged: Boolean(hash) });
        return { status: 200, body: { username: name, role: (await d.accounts.userHash(name))?.role } };
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/users\/([^/]+)$/,
      role: 'admin',
      handle: async (ctx) => {
        const name = parse(username, ctx.params[0]);
        if (name === ctx.caller!.username) fail('API_BAD_INPUT', 'you cannot delete yourself');
        if (!(await d.accounts.deleteUser(name))) fail('API_NOT_FOUND', 'no such user');
        await d.revoked(name);
        audit(d, ctx.caller!, 'user.delete', name, {});
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/audit$/,
      role: 'admin',
      handle: async (ctx) => {
        const q = parse(
          z.object({
            from: z.coerce.number().int().min(0).default(0),
            to: z.coerce.number().int().min(0).optional(),
            actor: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(5000).default(200),
          }),
          query(ctx),
        );
        return { status: 200, body: { entries: await d.audit.query({ ...q, to: q.to ?? Date.now() }) } };
      },
    },
  ];
}
