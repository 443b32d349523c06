import { jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';

import type { Grants, TokenClaims } from './grants';

/** Claims beyond the registered ones that a client token carries. */
interface ClusterClaims extends JWTPayload {
  room?: unknown;
  grants?: unknown;
}

export interface SignTokenOptions {
  identity: string;
  room: string;
  grants?: Partial<Grants>;
  /** Lifetime in seconds. */
  ttlSeconds?: number;
}

const DEFAULT_TTL_SECONDS = 6 * 3600;

/** Signs an HS256 client token: sub is the identity, room and grants are claims. */
export async function signToken(secret: string, options: SignTokenOptions): Promise<string> {
  const grants: Grants = { publish: true, subscribe: true, admin: false, ...options.grants };

  return new SignJWT({ room: options.room, grants })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.identity)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? DEFAULT_TTL_SECONDS))
    .sign(new TextEncoder().encode(secret));
}

/** Why a token was refused; the message is safe to show the client. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/**
 * Verifies a token with an HS256 secret or a JWKS key set and returns its
 * claims. Throws TokenError for a bad signature, an expired token or
 * missing claims.
 */
export async function verifyToken(token: string, key: string | JWTVerifyGetKey): Promise<TokenClaims> {
  let payload: ClusterClaims;
  try {
    const result =
      typeof key === 'string'
        ? await jwtVerify<ClusterClaims>(token, new TextEncoder().encode(key), { algorithms: ['HS256'] })
        : await jwtVerify<ClusterClaims>(token, key);
    payload = result.payload;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') throw new TokenError('token expired; request a new one');
    throw new TokenError('token is invalid; check its signature and format');
  }

  if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenError('token has no sub (identity) claim');
  if (typeof payload.room !== 'string' || payload.room === '') throw new TokenError('token has no room claim');
  if (typeof payload.exp !== 'number') throw new TokenError('token has no exp claim; tokens must expire');

  return { identity: payload.sub, room: payload.room, grants: readGrants(payload.grants), expiresAt: payload.exp };
}

function readGrants(value: unknown): Grants {
  const grants = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return { publish: grants.publish === true, subscribe: grants.subscribe === true, admin: grants.admin === true };
}
