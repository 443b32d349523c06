/** What a token lets its holder do. */
export interface Grants {
  publish: boolean;
  subscribe: boolean;
  admin: boolean;
}

/** Claims of a client token (JWT). */
export interface TokenClaims {
  /** User identity (JWT sub). */
  identity: string;
  /** The one room this token is good for; admin tokens may name "*". */
  room: string;
  grants: Grants;
  /** Seconds since the epoch. */
  expiresAt: number;
}
