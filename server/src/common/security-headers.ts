import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/config';

/**
 * Security headers on every response (helmet). The content security policy
 * is what the built client needs and no more: its own scripts and styles, the
 * socket.io connection to the same origin, camera/microphone streams
 * (MediaStreams need no source), data: images (the favicon), WebAssembly
 * compilation (background blur) but no eval. Nobody may frame
 * Hearth. HSTS only when configured: it is only right behind TLS.
 */
export function securityHeaders(config: AppConfig): RequestHandler[] {
  const hsts = config.HSTS;
  const csp = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        // 'wasm-unsafe-eval': compiling WebAssembly (the background blur's MediaPipe model runs in wasm); still no eval().
        'script-src': ["'self'", "'wasm-unsafe-eval'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'media-src': ["'self'", 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'worker-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        ...(hsts ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    xContentTypeOptions: true,
    crossOriginEmbedderPolicy: false,
  });
  const permissions: RequestHandler = (_req, res, next) => {
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()');
    next();
  };
  return [csp, permissions];
}

/** Express `trust proxy` from TRUST_PROXY: a hop count, `true`, or named/listed addresses. */
export function trustProxySetting(value: string | undefined): boolean | number | string {
  if (!value) return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
