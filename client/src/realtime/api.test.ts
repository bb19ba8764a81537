import { ApiError, apiRequest, setUnauthorizedHandler } from './api';
import { installFakeApi } from '../test/fakeApi';

describe('apiRequest', () => {
  it('sends JSON with the bearer token and returns the parsed body', async () => {
    const requests = installFakeApi({
      'POST /api/things': () => ({ status: 201, body: { id: 't1' } }),
    });

    const result = await apiRequest<{ id: string }>('/api/things', {
      method: 'POST',
      body: { name: 'x' },
      token: 'tok',
    });

    expect(result).toEqual({ id: 't1' });
    expect(requests[0]?.headers.Authorization).toBe('Bearer tok');
    expect(requests[0]?.headers['Content-Type']).toBe('application/json');
    expect(requests[0]?.body).toEqual({ name: 'x' });
  });

  it("throws ApiError carrying the server's code and message", async () => {
    installFakeApi({
      'GET /api/things': () => ({ status: 403, body: { code: 'forbidden', message: 'Therapists only.' } }),
    });

    const error = await apiRequest('/api/things').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden', message: 'Therapists only.' });
  });

  it('falls back to a readable message when the error body is not JSON', async () => {
    installFakeApi({ 'GET /api/things': () => ({ status: 502 }) });

    await expect(apiRequest('/api/things')).rejects.toMatchObject({ status: 502, code: 'internal' });
  });

  it('reports an unreachable server as a network ApiError', async () => {
    global.fetch = jest.fn().mockRejectedValue(new TypeError('Failed to fetch'));

    await expect(apiRequest('/api/things')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('signs out on 401 only when a token was sent (a failed login is not a logout)', async () => {
    const onUnauthorized = jest.fn();
    const unregister = setUnauthorizedHandler(onUnauthorized);
    installFakeApi({
      'GET /api/me': () => ({ status: 401, body: { code: 'unauthenticated', message: 'Token expired.' } }),
      'POST /api/auth/login': () => ({ status: 401, body: { code: 'unauthenticated', message: 'Wrong password.' } }),
    });

    await expect(apiRequest('/api/auth/login', { method: 'POST', body: {} })).rejects.toThrow('Wrong password.');
    expect(onUnauthorized).not.toHaveBeenCalled();

    await expect(apiRequest('/api/me', { token: 'old' })).rejects.toThrow('Token expired.');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onUnauthorized).toHaveBeenCalledWith('old');
    unregister();
  });
});
