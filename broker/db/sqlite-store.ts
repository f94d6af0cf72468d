/** The embedded default store: the synchronous better-sqlite3 classes behind the async interface. */
import { AuditLog } from './audit.ts';
import { Registry } from './registry.ts';
import { migrate, openDb } from './sqlite.ts';
import type { AccountStore, AuditStore, RegistryStore, Store } from './store.ts';
import { Accounts } from './users.ts';

/** Wraps every method of a synchronous object so it returns a promise (errors become rejections). */
function asyncView<T extends object, A>(target: T): A {
  return new Proxy(target, {
    get(obj, key) {
      const value = Reflect.get(obj, key) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return Promise.resolve((value as (...a: unknown[]) => unknown).apply(obj, args));
        } catch (e) {
          return Promise.reject(e);
        }
      };
    },
  }) as unknown as A;
}

export function openSqliteStore(file: string): Store {
  const db = openDb(file);
  return {
    kind: 'sqlite',
    accounts: asyncView<Accounts, AccountStore>(new Accounts(db)),
    registry: asyncView<Registry, RegistryStore>(new Registry(db)),
    audit: asyncView<AuditLog, AuditStore>(new AuditLog(db)),
    schemaVersion: migrate(db),
    close: async () => void db.close(),
  };
}
