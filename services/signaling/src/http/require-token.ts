import type { RequestHandler } from 'express';

import { ErrorCode, TokenError, type TokenClaims } from '@sfu-cluster/protocol';

import { bearerToken, type TokenVerifier } from '../auth';

/**
 * Responds 401 without a valid Bearer token, 403 without a required grant;
 * otherwise puts the claims in res.locals.claims.
 */
export function requireToken(verifier: TokenVerifier, grant?: 'admin'): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) {
      res.status(401).json({ error: { code: ErrorCode.Unauthorized, message: 'send Authorization: Bearer <token>' } });
      return;
    }

    verifier
      .verify(token)
      .then((claims: TokenClaims) => {
        if (grant === 'admin' && !claims.grants.admin) {
          res.status(403).json({ error: { code: ErrorCode.Forbidden, message: 'this route needs a token with the admin grant' } });
          return;
        }
        res.locals.claims = claims;
        next();
      })
      .catch((error: unknown) => {
        const message = error instanceof TokenError ? error.message : 'token is invalid';
        res.status(401).json({ error: { code: ErrorCode.Unauthorized, message } });
      });
  };
}
