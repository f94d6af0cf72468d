/** The control-room app: login, then live views over MQTT/WebSocket and history over HTTP. */
import './csp.ts';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, can, loadSession, type Session, saveSession } from './api.ts';
import { connectLive } from './live.ts';
import { type CityState, emptyCity, type HistoryEvent, type HistoryRead, seedHistory } from './state.ts';
import { AlarmBadge } from './control/AlarmBadge.tsx';
import { AuditView } from './control/AuditView.tsx';
import { DeviceHealthView } from './control/DeviceHealth.tsx';
import { EventsView } from './views/events.tsx';
import { HistoryView } from './views/history.tsx';
import { IntersectionView } from './views/intersection.tsx';
import { LotView } from './views/lot.tsx';
import { OverviewView } from './views/overview.tsx';
import { RegistryView } from './views/registry.tsx';

type Route = { view: string; arg: string[] };
const parseRoute = (): Route => {
  const [view = 'overview', ...arg] = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  return { view, arg: arg.map(decodeURIComponent) };
};

function Login({ onSession }: { onSession: (s: Session) => void }) {
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    try {
      onSession(await api.login(String(form.get('username')), String(form.get('password'))));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="login" onSubmit={submit}>
      <h1>CityEdge control room</h1>
      <input name="username" placeholder="username" autocomplete="username" required />
      <input
        name="password"
        type="password"
        placeholder="password"
        autocomplete="current-password"
        required
      />
      <button type="submit">Sign in</button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Shell({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const [city, setCity] = useState<CityState>(emptyCity());
  const [connected, setConnected] = useState(false);
  const [route, setRoute] = useState(parseRoute());
  useEffect(() => {
    const onHash = () => setRoute(parseRoute());
    addEventListener('hashchange', onHash);
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
    const live = connectLive({ url, username: session.username, token: session.token }, (s, c) => {
      setCity(s);
      setConnected(c);
    });
    void loadRecentHistory(session).then((h) => h && live.update((s) => seedHistory(s, h.events, h.reads)));
    return () => {
      removeEventListener('hashchange', onHash);
      live.close();
    };
  }, [session]);
  const reviews = Object.keys(city.pendingReviews).length;
  return (
    <>
      <header>
        <strong>CityEdge</strong>
        <nav>
          <a href="#/overview">Overview</a>
          <a href="#/events">Events{reviews > 0 && <span class="badge">{reviews}</span>}</a>
          <a href="#/history">History</a>
          <a href="#/registry">Registry</a>
          <a href="#/health">Health</a>
          {can(session, 'operator') && <a href="#/audit">Audit</a>}
        </nav>
        <AlarmBadge city={city} session={session} />
        <span class={connected ? 'live on' : 'live off'} data-testid="live">
          {connected ? 'live' : 'offline'}
        </span>
        <span>
          {session.username} ({session.role}){' '}
          <button type="button" onClick={onLogout}>
            sign out
          </button>
        </span>
      </header>
      <main>
        <Routed route={route} city={city} session={session} />
      </main>
    </>
  );
}

/** The last hour of events and plate reads; null when history is off (no InfluxDB) or failing. */
async function loadRecentHistory(session: Session) {
  const from = String(Date.now() - 3600_000);
  try {
    const [e, r] = await Promise.all([
      api.get<{ events: HistoryEvent[] }>(session, `/api/history/events?from=${from}&limit=200`),
      api.get<{ reads: HistoryRead[] }>(session, `/api/history/lpr?from=${from}&limit=200`),
    ]);
    return { events: e.events, reads: r.reads };
  } catch {
    return null; // the live feed still works; the History page shows the error
  }
}

function Routed({ route, city, session }: { route: Route; city: CityState; session: Session }) {
  const [a = '', b = '', c = ''] = route.arg;
  switch (route.view) {
    case 'lot':
      return <LotView city={city} session={session} site={a} device={b} />;
    case 'intersection':
      return <IntersectionView city={city} session={session} site={a} device={b} id={c} />;
    case 'events':
      return <EventsView city={city} session={session} />;
    case 'history':
      return <HistoryView city={city} session={session} />;
    case 'audit':
      return <AuditView session={session} />;
    case 'health':
      return <DeviceHealthView city={city} />;
    case 'registry':
      return <RegistryView session={session} />;
    default:
      return <OverviewView city={city} session={session} />;
  }
}

function App() {
  const [session, setSession] = useState<Session | null>(loadSession());
  const set = (s: Session | null) => {
    saveSession(s);
    setSession(s);
  };
  return session ? <Shell session={session} onLogout={() => set(null)} /> : <Login onSession={set} />;
}

render(<App />, document.getElementById('app')!);
