import { Type } from '@sinclair/typebox';
import { RouterSchema, ServersTransportSchema, ServiceSchema, TlsSchema } from '../../config/dynamic-schema.js';
import { Strict } from '../../config/types.js';
import type { JsonSchema } from './coerce.js';

const Strings = Type.Optional(Type.Array(Type.String()));

// The dynamic schema leaves TLS options and stores open (the TLS code checks them); the KV layout
// needs their value types to turn `sniStrict` = `true` into a boolean.
const TlsOptionsSchema = Strict({
  minVersion: Type.Optional(Type.String()),
  maxVersion: Type.Optional(Type.String()),
  cipherSuites: Strings,
  curvePreferences: Strings,
  clientAuth: Type.Optional(Strict({ caFiles: Strings, clientAuthType: Type.Optional(Type.String()) })),
  sniStrict: Type.Optional(Type.Boolean()),
  alpnProtocols: Strings,
  disableSessionTickets: Type.Optional(Type.Boolean()),
  preferServerCipherSuites: Type.Optional(Type.Boolean()),
});

const TlsStoreSchema = Strict({
  defaultCertificate: Type.Optional(Strict({ certFile: Type.String(), keyFile: Type.String() })),
  defaultGeneratedCert: Type.Optional(
    Strict({
      resolver: Type.Optional(Type.String()),
      domain: Type.Optional(Strict({ main: Type.Optional(Type.String()), sans: Strings })),
    }),
  ),
});

/** Schema of each user-named element, by section, as the KV decoder walks them. */
export const HTTP_SECTIONS: Record<string, JsonSchema> = {
  routers: RouterSchema,
  services: ServiceSchema,
  serversTransports: ServersTransportSchema,
};

/** Schemas of the `tls` section's parts. */
export const TLS_SECTIONS: Record<string, JsonSchema> = {
  certificates: TlsSchema.properties.certificates,
  options: Type.Record(Type.String(), TlsOptionsSchema),
  stores: Type.Record(Type.String(), TlsStoreSchema),
};
