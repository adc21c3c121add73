import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestContext } from '../http/context.js';

/**
 * Something that watches requests at an entry point (metrics, access logs, tracing). `onRequest`
 * runs once per request after its context is set and before routing; it may add headers to the
 * request (trace context) and listen for the response's `finish`/`close` itself.
 */
export interface RequestObserver {
  onRequest(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void;
  /** A connection was accepted on an entry point (for open-connection gauges). */
  onConnection?(entryPoint: string, socket: Socket): void;
}

/** Runs several observers as one; a failing observer never affects the request. */
export function combineObservers(observers: RequestObserver[], onError: (error: unknown) => void): RequestObserver | undefined {
  if (observers.length === 0) return undefined;
  return {
    onRequest(req, res, ctx) {
      for (const observer of observers) {
        try {
          observer.onRequest(req, res, ctx);
        } catch (error) {
          onError(error);
        }
      }
    },
    onConnection(entryPoint, socket) {
      for (const observer of observers) {
        try {
          observer.onConnection?.(entryPoint, socket);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
