import { useCallback, useEffect, useState } from 'react';
import type { ZodType } from 'zod';
import { ApiError, apiRequest, type ApiRequestOptions } from '../../realtime/api';
import { useAuth } from '../auth/AuthProvider';

/** Calls the API and checks the answer's shape; a wrong shape is an error, never silently empty. */
export async function callApi<T>(path: string, schema: ZodType<T>, options: ApiRequestOptions = {}): Promise<T> {
  const body = await apiRequest<unknown>(path, options);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(200, 'bad_response', 'Hearth answered in a form this page could not read.');
  return parsed.data;
}

export type Resource<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; data: T };

/**
 * Loads `path` (skipped while null) with the signed-in token; `reload()` fetches again
 * keeping the current data on screen, `update()` edits it in place after a write.
 */
export function useResource<T>(path: string | null, schema: ZodType<T>) {
  const { accessToken } = useAuth();
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!accessToken || path === null) return;
    const controller = new AbortController();
    setState((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    callApi(path, schema, { token: accessToken, signal: controller.signal })
      .then((data) => setState({ status: 'ready', data }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        const message = error instanceof ApiError ? error.message : 'Something went wrong while loading this page.';
        setState({ status: 'error', message });
      });
    return () => controller.abort();
    // The schema is a module constant at every call site.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [accessToken, path, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const update = useCallback((change: (data: T) => T) => {
    setState((previous) => (previous.status === 'ready' ? { status: 'ready', data: change(previous.data) } : previous));
  }, []);
  return { state, reload, update };
}
