import { Type } from '@sinclair/typebox';

/** The options basicAuth and digestAuth share (Traefik's names and defaults). */
export function authOptionProperties(usersShape: string) {
  return {
    users: Type.Optional(Type.Array(Type.String(), { description: `Users as "${usersShape}" lines. Default none; merged after usersFile.` })),
    usersFile: Type.Optional(Type.String({ description: 'Path of a file with one user per line (relative to the working directory). Default none.' })),
    realm: Type.Optional(Type.String({ description: 'Realm announced in the challenge. Default "traefik".' })),
    headerField: Type.Optional(Type.String({ description: 'Request header that receives the authenticated user name. Default none.' })),
    removeHeader: Type.Optional(Type.Boolean({ description: 'Remove the Authorization header before forwarding. Default false.' })),
  };
}

/** Traefik's default realm. */
export const DEFAULT_REALM = 'traefik';
