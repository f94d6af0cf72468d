import { useEffect, useState } from 'preact/hooks';
import { api, can, type Session, type Vehicle } from '../api.ts';

export function RegistryView({ session }: { session: Session }) {
  const [vehicles, setVehicles] = useState<Vehicle[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const admin = can(session, 'admin');
  const load = () =>
    api
      .get<{ vehicles: Vehicle[] }>(
        session,
        `/api/registry/vehicles?${new URLSearchParams({ q, limit: '200' })}`,
      )
      .then((r) => setVehicles(r.vehicles))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  useEffect(() => {
    void load();
  }, [q]);
  const add = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const plate = String(f.get('plate'))
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '');
    try {
      await api.upsertVehicle(session, {
        plate,
        owner: String(f.get('owner')),
        category: String(f.get('category')) as Vehicle['category'],
        sites: [],
      });
      setError(null);
      (e.target as HTMLFormElement).reset();
      await load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const remove = async (plate: string) => {
    await api.removeVehicle(session, plate).catch((err: unknown) => setError(String(err)));
    await load();
  };
  return (
    <section>
      <h2>Registered vehicles</h2>
      <input
        placeholder="search plate"
        value={q}
        onInput={(e) => setQ((e.target as HTMLInputElement).value.toUpperCase())}
      />
      {admin && (
        <form class="inline" onSubmit={add} data-testid="add-vehicle">
          <input name="plate" placeholder="plate" required />
          <input name="owner" placeholder="owner" required />
          <select name="category">
            <option value="staff">staff</option>
            <option value="visitor">visitor</option>
            <option value="disabled">disabled permit</option>
            <option value="blocklisted">blocklisted</option>
          </select>
          <button type="submit">Add / update</button>
        </form>
      )}
      {error && <p class="error">{error}</p>}
      <table data-testid="vehicles">
        <tbody>
          {vehicles.map((v) => (
            <tr>
              <td>{v.plate}</td>
              <td>{v.owner}</td>
              <td>{v.category === 'disabled' ? '♿ disabled permit' : v.category}</td>
              <td>{v.validUntil ? `until ${new Date(v.validUntil).toLocaleDateString()}` : ''}</td>
              <td>
                {admin && (
                  <button type="button" onClick={() => remove(v.plate)}>
                    remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
