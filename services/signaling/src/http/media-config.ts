import { Router } from 'express';

import type { SignalingConfig } from '@sfu-cluster/config';
import { ErrorCode } from '@sfu-cluster/protocol';

import type { TokenVerifier } from '../auth';
import { iceServersFor } from '../turn-credentials';
import { requireToken } from './require-token';

/**
 * GET /api/v1/meetings/:meetingId/media-config: what a client needs before
 * it connects: ICE servers (STUN, TURN with credentials), the signaling URL
 * and the codecs the room's routers offer. With MEDIASOUP_TURN_SECRET each
 * request gets a TURN credential minted for the token's identity, and
 * turnCredentialExpiresAt gives its expiry in Unix seconds.
 */
export function mediaConfigRouter(
  config: SignalingConfig,
  verifier: TokenVerifier,
  rtpCapabilities: () => Promise<unknown>,
): Router {
  const router = Router();

  router.get('/api/v1/meetings/:meetingId/media-config', requireToken(verifier), async (req, res) => {
    const claims = res.locals.claims as { identity: string; room: string; grants: { admin: boolean } };
    const meetingId = req.params.meetingId;
    if (claims.room !== meetingId && !claims.grants.admin) {
      res.status(403).json({ error: { code: ErrorCode.Forbidden, message: `this token is for meeting ${claims.room}` } });
      return;
    }

    res.json({
      meetingId,
      ...iceServersFor(config, claims.identity),
      signalingUrl: config.publicUrl,
      routerRtpCapabilities: await rtpCapabilities(),
    });
  });

  return router;
}
