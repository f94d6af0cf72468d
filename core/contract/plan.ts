/**
 * The city plan: where each site sits (WGS84 coordinates an installer surveys) and the emergency
 * routes through the intersections. The control room draws its schematic from it (no tile
 * server); the demo writes its own (cli/demo-city.ts). Checked here once so a plan with a typo
 * is refused with the reason, not drawn half.
 */
import { z } from 'zod';
import { CityEdgeError, err, ok, type Result } from '../errors.ts';
import { idSchema } from './payloads.ts';

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);

/** `site/device` for a car park, `site/device/intersection` for an intersection. */
const siteKey = z.string().regex(/^[^/]+\/[^/]+(\/[^/]+)?$/, 'site/device or site/device/intersection');

export const planSite = z.strictObject({
  key: siteKey,
  kind: z.enum(['lot', 'intersection']),
  name: z.string().min(1).max(80),
  lat,
  lon,
});

export const planRoute = z.strictObject({
  routeId: idSchema,
  name: z.string().min(1).max(80),
  /** Keys of the intersections the route crosses, in driving order. */
  via: z.array(siteKey).min(1).max(100),
});

export const cityPlan = z
  .strictObject({
    name: z.string().min(1).max(120),
    sites: z.array(planSite).max(5000),
    routes: z.array(planRoute).max(500).default([]),
    /** Street lines for the schematic: polylines of [lat, lon]. */
    streets: z
      .array(
        z.strictObject({
          name: z.string().max(80),
          points: z
            .array(z.tuple([lat, lon]))
            .min(2)
            .max(1000),
        }),
      )
      .max(1000)
      .optional(),
  })
  .superRefine((plan, ctx) => {
    const kinds = new Map<string, string>();
    plan.sites.forEach((s, i) => {
      if (kinds.has(s.key))
        ctx.addIssue({ code: 'custom', path: ['sites', i, 'key'], message: `${s.key} twice` });
      const parts = s.key.split('/').length;
      if ((s.kind === 'lot') !== (parts === 2))
        ctx.addIssue({
          code: 'custom',
          path: ['sites', i, 'key'],
          message: `${s.kind} keys have ${s.kind === 'lot' ? '2 parts (site/device)' : '3 parts (site/device/intersection)'}`,
        });
      kinds.set(s.key, s.kind);
    });
    plan.routes.forEach((r, i) => {
      r.via.forEach((k, j) => {
        if (kinds.get(k) !== 'intersection')
          ctx.addIssue({
            code: 'custom',
            path: ['routes', i, 'via', j],
            message: `${k} is not an intersection of the plan`,
          });
      });
    });
  });

export type CityPlan = z.infer<typeof cityPlan>;
export type PlanSite = z.infer<typeof planSite>;
export type PlanRoute = z.infer<typeof planRoute>;

/** The plan, or CONTRACT_SCHEMA with the first few problems, each saying where (`routes.0.via.1: …`). */
export function checkPlan(input: unknown): Result<CityPlan> {
  const r = cityPlan.safeParse(input);
  if (r.success) return ok(r.data);
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`);
  return err(new CityEdgeError('CONTRACT_SCHEMA', `city plan: ${issues.join('; ')}`, issues));
}
