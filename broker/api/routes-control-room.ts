/**
 * What the control room needs beyond the core routes: the operations log (commands and alarm
 * acknowledgements from the audit table, readable by operators, not only admins) and alarm
 * acknowledgement, which is nothing but an audited statement "I have seen this" by an operator.
 * The acknowledged set is read back from the audit log, so it survives a broker restart.
 */
import { z } from 'zod';
import type { ApiDeps } from './deps.ts';
import { fail, parse, query, type Route } from './http.ts';

const OPERATIONS = new Set(['command', 'alarm.ack', 'registry.upsert', 'registry.remove']);
const ack = z.strictObject({ alarm: z.string().min(1).max(200), note: z.string().max(200).default('') });
const window = z.object({
  from: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function controlRoomRoutes(d: ApiDeps): Route[] {
  const operations = async (from: number, limit: number) =>
    // Over-fetch: the audit log also holds logins and user changes, which operators do not see.
    (await d.audit.query({ from, to: Date.now(), limit: limit * 5 }))
      .filter((e) => OPERATIONS.has(e.action))
      .slice(0, limit);
  return [
    {
      // The city plan the overview draws (broker config `cityPlan`, checked at start).
      method: 'GET',
      path: /^\/api\/plan$/,
      role: 'viewer',
      handle: () =>
        d.plan
          ? { status: 200, body: { plan: d.plan } }
          : fail('API_NOT_FOUND', 'no city plan configured (cityPlan)'),
    },
    {
      method: 'GET',
      path: /^\/api\/operations$/,
      role: 'operator',
      handle: async (ctx) => {
        const q = parse(window, query(ctx));
        const entries = await operations(q.from ?? Date.now() - 24 * 3600_000, q.limit);
        return { status: 200, body: { entries } };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/alarms\/acks$/,
      role: 'viewer',
      handle: async () => {
        const acks = (await operations(Date.now() - 24 * 3600_000, 1000))
          .filter((e) => e.action === 'alarm.ack')
          .map((e) => ({ alarm: e.target, by: e.actor, ts: e.ts }));
        return { status: 200, body: { acks } };
      },
    },
    {
      method: 'POST',
      path: /^\/api\/alarms\/ack$/,
      role: 'operator',
      handle: async (ctx) => {
        const b = parse(ack, await ctx.body());
        const caller = ctx.caller!;
        const ts = Date.now();
        await d.audit.record({
          ts,
          actor: caller.username,
          role: caller.role,
          action: 'alarm.ack',
          target: b.alarm,
          detail: JSON.stringify({ note: b.note }),
          outcome: 'ok',
        });
        return { status: 200, body: { alarm: b.alarm, by: caller.username, ts } };
      },
    },
  ];
}
