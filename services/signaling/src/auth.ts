import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

import type { SignalingConfig } from '@sfu-cluster/config';
import { verifyToken, type TokenClaims } from '@sfu-cluster/protocol';

/** Checks client tokens against the HS256 secret or the JWKS URL of the configuration. */
export class TokenVerifier {
  private readonly key: string | JWTVerifyGetKey;

  constructor(config: Pick<SignalingConfig, 'jwtSecret' | 'jwksUrl'>) {
    if (config.jwksUrl !== undefined) {
      this.key = createRemoteJWKSet(new URL(config.jwksUrl));
    } else if (config.jwtSecret !== undefined) {
      this.key = config.jwtSecret;
    } else {
      throw new Error('no JWT_SECRET or JWT_JWKS_URL to verify tokens with');
    }
  }

  verify(token: string): Promise<TokenClaims> {
    return verifyToken(token, this.key);
  }
}

/** The token of an "Authorization: Bearer <token>" header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
