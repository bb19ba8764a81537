import type { AckCallback } from './ack';

/** Sent in the socket.io handshake: `io(url, { auth })`. */
export interface HandshakeAuth {
  token: string;
  protocolVersion: number;
}

/** Events the client emits; each one is a request acknowledged with `Ack<T>`. */
export interface ClientToServerEvents {
  /** Liveness probe; answers with the server time (ms since epoch). */
  'system:ping': (payload: Record<string, never>, ack: AckCallback<{ serverTime: number }>) => void;
}

/** Events the server pushes; names are past tense. */
export interface ServerToClientEvents {
  /** The server is closing this connection (session ended, logged off, protocol mismatch…). */
  'system:disconnected': (payload: { reason: string }) => void;
}

export interface InterServerEvents {
  ping: () => void;
}

/** What the gateway attaches to every authenticated socket. */
export interface SocketData {
  userId: string;
  role: string;
}
