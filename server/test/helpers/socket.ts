import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '@hearth/protocol';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects a real socket.io client; rejects with the server's connect_error data. */
export function connectSocket(
  baseUrl: string,
  auth: { token: string; protocolVersion?: number } | Record<string, unknown>,
  extraHeaders?: Record<string, string>,
): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...auth },
    ...(extraHeaders ? { extraHeaders } : {}),
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      reject(Object.assign(new Error(err.message), { data: err.data }));
    });
  });
}

/** Emits a request and resolves with its ack (untyped payload on purpose: tests send bad input too). */
export function request<T>(socket: TestSocket, event: string, payload: unknown, timeoutMs = 5000): Promise<Ack<T>> {
  return (socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> }).emitWithAck(
    event,
    payload,
  );
}
