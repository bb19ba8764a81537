import { lazy, Suspense } from 'react';

// mediasoup-client and the room are most of the bundle: load them only when someone opens a session.
const JoinSessionPage = lazy(() => import('./JoinSessionPage').then((m) => ({ default: m.JoinSessionPage })));

/** The join page, fetched on first use; a quiet line while it loads. */
export function LazyJoinSessionPage() {
  return (
    <Suspense
      fallback={
        <p className="state state--loading" role="status">
          <span className="spinner" aria-hidden="true" /> Opening the session…
        </p>
      }
    >
      <JoinSessionPage />
    </Suspense>
  );
}
