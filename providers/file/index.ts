import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { syError } from '../../src/errors.js';
import { defineProvider } from '../../src/provider/definition.js';
import { createFileProvider } from './file-provider.js';

/** `providers.file` in the static configuration (Traefik's keys). */
export const fileProviderSchema = Type.Object(
  {
    filename: Type.Optional(Type.String({ minLength: 1, description: 'One dynamic configuration file.' })),
    directory: Type.Optional(Type.String({ minLength: 1, description: 'A folder read recursively (recommended).' })),
    watch: Type.Optional(Type.Boolean({ default: true, description: 'Re-read on change.' })),
    // Accepted so Traefik configurations load unchanged; Switchyard does not render Go templates.
    debugLogGeneratedTemplate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The file provider: dynamic configuration from YAML, TOML and JSON files, watched for changes. */
export const fileProvider = defineProvider({
  type: 'file',
  schema: fileProviderSchema,
  create(options, ctx) {
    const { filename, directory } = options;
    if ((filename === undefined) === (directory === undefined)) {
      throw syError('SY_ERR_STATIC_INVALID', 'providers.file: set exactly one of "filename" or "directory"');
    }
    const given = (filename ?? directory)!;
    return createFileProvider({
      path: path.resolve(ctx.baseDir, given),
      mode: filename !== undefined ? 'filename' : 'directory',
      watch: options.watch ?? true,
      log: ctx.log,
      displayName: filename,
    });
  },
});

/** The factory behind `fileProvider.create`, for embedding Switchyard without a static configuration. */
export { createFileProvider, type FileProviderOptions } from './file-provider.js';
