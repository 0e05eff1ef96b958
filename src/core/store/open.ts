// How a store is named and opened, for the code that opens one somewhere
// else (the store thread, store-thread/store-worker.ts): a plain,
// structured-clone-safe description of the backend and its options, and
// the one function that turns it into a running Store. A backend is a
// member of StoreSpec and a case here; the thread code does not change.
import { openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.ts';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

export type StoreSpec =
  | { readonly backend: 'sqlite'; readonly options: SqliteStoreOptions }
  | { readonly backend: 'postgres'; readonly options: PostgresStoreOptions };

/** A Store that can also say when the writes it has taken are committed (what the store thread serves). */
export interface ServedStore extends Store {
  flushed(): Promise<void>;
}

/** Opens the store `spec` names; resolves once it is ready for calls. Rejects as the backend's open does. */
export async function openStore(spec: StoreSpec): Promise<ServedStore> {
  switch (spec.backend) {
    case 'sqlite': {
      const store = openSqliteStore(spec.options);
      await store.checkpointerStarting;
      return store;
    }
    case 'postgres':
      return openPostgresStore(spec.options);
  }
}
