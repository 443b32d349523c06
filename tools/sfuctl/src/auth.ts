import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';

import { UsageError } from './errors';

/** Identity of the admin tokens sfuctl mints for itself in local mode. */
const SELF_IDENTITY = 'sfuctl';

/** Lifetime of a self-minted token: one command's worth, with room for a long top session. */
const SELF_TOKEN_TTL_SECONDS = 3600;

/** True unless CLUSTER_MODE names another mode; the local cluster leaves it unset. */
export function isLocalMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.CLUSTER_MODE ?? 'local') === 'local';
}

/**
 * Signs a client token with the local secret: JWT_SECRET when set, else the
 * development secret local signaling nodes use. Local mode only.
 */
export function mintLocalToken(room: string, identity: string, admin: boolean, ttlSeconds?: number): Promise<string> {
  if (!isLocalMode()) {
    throw new UsageError(`cannot mint a token with CLUSTER_MODE=${process.env.CLUSTER_MODE}; tokens come from your application there, so pass --token or set SFUCTL_TOKEN`);
  }
  return signToken(process.env.JWT_SECRET || LOCAL_JWT_SECRET, { room, identity, grants: { admin }, ttlSeconds });
}

/** Returns the token for admin requests: --token, then SFUCTL_TOKEN, then in local mode a freshly minted admin token. */
export async function resolveAdminToken(option: string | undefined): Promise<string> {
  const given = option ?? process.env.SFUCTL_TOKEN;
  if (given) return given;
  return mintLocalToken('*', SELF_IDENTITY, true, SELF_TOKEN_TTL_SECONDS);
}
