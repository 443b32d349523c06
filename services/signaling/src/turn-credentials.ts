import { createHmac } from 'node:crypto';

import type { IceServerConfig, SignalingConfig } from '@sfu-cluster/config';

/** One time-limited TURN credential of the TURN REST API scheme (coturn's use-auth-secret). */
export interface TurnCredential {
  /** `<expiresAt>:<identity>`; the TURN server reads the expiry from it. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)), which the TURN server recomputes from its static-auth-secret. */
  credential: string;
  /** Unix time in seconds after which the TURN server rejects the credential for new allocations. */
  expiresAt: number;
}

/**
 * Maximum length of the identity part of a minted username, in UTF-8 bytes.
 * STUN requires a USERNAME under 509 bytes (RFC 8489), and the expiry and
 * colon take 11 until the year 2286.
 */
export const MAX_TURN_IDENTITY_BYTES = 480;

/** Mints a credential for identity that the TURN server accepts until ttlSeconds from nowMs. */
export function mintTurnCredential(secret: string, identity: string, ttlSeconds: number, nowMs = Date.now()): TurnCredential {
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${truncateUtf8(identity, MAX_TURN_IDENTITY_BYTES)}`;
  const credential = createHmac('sha1', secret).update(username, 'utf8').digest('base64');
  return { username, credential, expiresAt };
}

/** The ICE servers one client gets, and when its minted TURN credential expires, if it got one. */
export interface ClientIceServers {
  iceServers: IceServerConfig[];
  /** Unix time in seconds; undefined when no credential was minted. */
  turnCredentialExpiresAt?: number;
}

/** Returns the configured ICE servers, plus the shared-secret TURN servers with a credential minted for identity. */
export function iceServersFor(config: Pick<SignalingConfig, 'iceServers' | 'turnSecret'>, identity: string, nowMs = Date.now()): ClientIceServers {
  const turn = config.turnSecret;
  if (turn === undefined) return { iceServers: config.iceServers };

  const minted = mintTurnCredential(turn.secret, identity, turn.credentialTtlSeconds, nowMs);
  return {
    iceServers: [...config.iceServers, { urls: turn.urls, username: minted.username, credential: minted.credential }],
    turnCredentialExpiresAt: minted.expiresAt,
  };
}

/** Cuts text to at most maxBytes of UTF-8 without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;

  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character, 'utf8');
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
