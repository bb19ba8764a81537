import type { ReactNode } from 'react';
import type { Resource } from './resource';

/** Loading and error states of a resource, with a retry; renders `children` with the data once ready. */
export function LoadState<T>({
  resource,
  what,
  testId,
  onRetry,
  children,
}: {
  resource: Resource<T>;
  /** "programs", "this cohort" … */
  what: string;
  testId: string;
  onRetry: () => void;
  children: (data: T) => ReactNode;
}) {
  switch (resource.status) {
    case 'loading':
      return (
        <p className="state state--loading" role="status" data-testid={`${testId}-loading`}>
          <span className="spinner" aria-hidden="true" />
          Loading {what}…
        </p>
      );
    case 'error':
      return (
        <div className="state state--error" role="alert" data-testid={`${testId}-error`}>
          <p>
            <strong>We couldn't load {what}.</strong> {resource.message}
          </p>
          <button type="button" className="button button--secondary" onClick={onRetry}>
            Try again
          </button>
        </div>
      );
    case 'ready':
      return <>{children(resource.data)}</>;
  }
}
