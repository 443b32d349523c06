import type { RequestHandler } from 'express';

/** Seconds a browser may cache a preflight response. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the admin routes, so the operator console, served by the web
 * service on another origin, can call them. Only the listed origins (and in
 * local mode every loopback origin) get the CORS headers, and only for the
 * methods and headers the admin API uses. Every admin route still requires
 * the admin token: this only lets those pages send it.
 */
export function adminCors(allowedOrigins: string[], allowLoopback: boolean): RequestHandler {
  const allowed = new Set(allowedOrigins);

  return (req, res, next) => {
    const origin = req.headers.origin;
    const permitted = origin !== undefined && (allowed.has(origin) || (allowLoopback && isLoopbackOrigin(origin)));
    if (permitted) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.vary('Origin');
    }

    // A preflight carries no token, so it ends here, before the token check.
    if (req.method === 'OPTIONS') {
      if (permitted) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      }
      res.status(204).end();
      return;
    }
    next();
  };
}

/** Tells whether origin is an http(s) origin on 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;

  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
