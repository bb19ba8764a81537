import { Device, type types } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';

type Direction = 'sendonly' | 'recvonly';
type HandlerFactory = ReturnType<typeof Chrome111.createFactory>;

/**
 * Loading a mediasoup Device asks the browser for its native RTP capabilities
 * (a throwaway RTCPeerConnection and an SDP offer per direction): tens of ms on
 * a quiet machine, far more on a busy one. That part does not depend on the
 * router, so it runs once per page, as soon as the page opens, and every
 * Device loaded afterwards reuses the answers.
 */
let warmed: HandlerFactory | null | undefined;

function warmFactory(): HandlerFactory | null {
  if (warmed !== undefined) return warmed;
  warmed = null;
  try {
    if (typeof RTCPeerConnection === 'undefined' || new Device().handlerName !== 'Chrome111') return null;
    const base = Chrome111.createFactory();
    const native = new Map<Direction, Promise<types.RtpCapabilities>>();
    const nativeFor = (direction: Direction) => {
      let p = native.get(direction);
      if (!p) {
        p = base.getNativeRtpCapabilities({ direction });
        // A failure is not cached: the next load asks the browser again.
        p.catch(() => native.delete(direction));
        native.set(direction, p);
      }
      return p;
    };
    warmed = { ...base, getNativeRtpCapabilities: ({ direction }: { direction: Direction }) => nativeFor(direction) };
    void nativeFor('recvonly').catch(() => undefined);
    void nativeFor('sendonly').catch(() => undefined);
  } catch {
    warmed = null;
  }
  return warmed;
}

/** Starts asking the browser for its capabilities now (idempotent; a no-op where WebRTC is missing). */
export function warmUpDevice(): void {
  warmFactory();
}

/** A new Device that reuses the warmed-up capabilities where it can. */
export function createDevice(): Device {
  const handlerFactory = warmFactory();
  return handlerFactory ? new Device({ handlerFactory }) : new Device();
}
