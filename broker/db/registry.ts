/** Vehicle registry (what the edge gates check plates against); every write in one transaction. */
import type { VehicleCategory } from '../../core/contract/payloads.ts';
import type { Db } from './sqlite.ts';

export interface Vehicle {
  plate: string;
  owner: string;
  category: VehicleCategory;
  validFrom?: number | undefined;
  validUntil?: number | undefined;
  /** Sites whose gates know this vehicle; empty = every site. */
  sites: string[];
}

interface VehicleRow {
  plate: string;
  owner: string;
  category: Vehicle['category'];
  valid_from: number | null;
  valid_until: number | null;
}

export class Registry {
  constructor(private readonly db: Db) {}

  get(plate: string): Vehicle | undefined {
    const row = this.db.prepare('SELECT * FROM vehicles WHERE plate = ?').get(plate) as
      | VehicleRow
      | undefined;
    return row ? this.toVehicle(row) : undefined;
  }

  /** `q` matches a plate prefix; bound as a parameter, `%`/`_` escaped. */
  list(q: string, limit: number, offset: number): { vehicles: Vehicle[]; total: number } {
    const like = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = this.db
      .prepare("SELECT * FROM vehicles WHERE plate LIKE ? ESCAPE '\\' ORDER BY plate LIMIT ? OFFSET ?")
      .all(like, limit, offset) as VehicleRow[];
    const { n } = this.db
      .prepare("SELECT COUNT(*) AS n FROM vehicles WHERE plate LIKE ? ESCAPE '\\'")
      .get(like) as { n: number };
    return { vehicles: rows.map((r) => this.toVehicle(r)), total: n };
  }

  /** Inserts or replaces; returns the previous version (to know which sites lost the vehicle). */
  upsert(v: Vehicle): Vehicle | undefined {
    return this.db.transaction(() => {
      const before = this.get(v.plate);
      this.db
        .prepare(
          `INSERT INTO vehicles (plate, owner, category, valid_from, valid_until, updated_at)
           VALUES (@plate, @owner, @category, @validFrom, @validUntil, @now)
           ON CONFLICT(plate) DO UPDATE SET owner = excluded.owner, category = excluded.category,
             valid_from = excluded.valid_from, valid_until = excluded.valid_until, updated_at = excluded.updated_at`,
        )
        .run({ ...v, validFrom: v.validFrom ?? null, validUntil: v.validUntil ?? null, now: Date.now() });
      this.db.prepare('DELETE FROM vehicle_sites WHERE plate = ?').run(v.plate);
      const add = this.db.prepare('INSERT INTO vehicle_sites (plate, site) VALUES (?, ?)');
      for (const site of new Set(v.sites)) add.run(v.plate, site);
      return before;
    })();
  }

  remove(plate: string): Vehicle | undefined {
    return this.db.transaction(() => {
      const before = this.get(plate);
      if (before) this.db.prepare('DELETE FROM vehicles WHERE plate = ?').run(plate);
      return before;
    })();
  }

  private toVehicle(row: VehicleRow): Vehicle {
    const sites = this.db
      .prepare('SELECT site FROM vehicle_sites WHERE plate = ? ORDER BY site')
      .all(row.plate) as { site: string }[];
    return {
      plate: row.plate,
      owner: row.owner,
      category: row.category,
      ...(row.valid_from === null ? {} : { validFrom: row.valid_from }),
      ...(row.valid_until === null ? {} : { validUntil: row.valid_until }),
      sites: sites.map((s) => s.site),
    };
  }
}
