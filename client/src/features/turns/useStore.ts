import { useSyncExternalStore } from 'react';

interface Subscribable<S> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): S;
}

/** Renders from one of the facilitation stores (ChatClient, FloorClient…). */
export function useStore<S>(store: Subscribable<S>): S {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
