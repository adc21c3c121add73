import { Type, type TSchema } from '@sinclair/typebox';

/** A duration: a Go-style string (`10s`, `1m30s`) or a number of seconds. */
export const Duration = (description?: string) =>
  Type.Union([Type.String({ format: 'duration' }), Type.Number()], description ? { description } : {});

/** A strict object: unknown keys are errors. */
export const Strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

/** A map keyed by user-chosen names. */
export const NamedMap = <T extends TSchema>(value: T, description?: string) =>
  Type.Record(Type.String(), value, description ? { description } : {});
