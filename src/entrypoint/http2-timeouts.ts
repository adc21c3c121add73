import http2, { type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';

/** The entry point's timeouts (ms, 0: none) as they apply to one HTTP/2 session and its streams. */
export interface Http2Timeouts {
  /** Closes (GOAWAY, then close) a session that has had no open stream for this long. */
  idleTimeout: number;
  /** Resets a stream whose request (headers and body) has not fully arrived this long after its headers. */
  readTimeout: number;
  /** Closes a session whose first request headers have not arrived this long after it opened. */
  headersTimeout: number;
}

// A graceful close waits for the GOAWAY to be written and for half-received frames, which a stalled
// peer never completes; Go gives the GOAWAY 1s, this leaves a loaded host a little more.
const GOAWAY_GRACE_MS = 2000;

/**
 * Bounds the life of an HTTP/2 session the way Go's server does for Traefik: Node's own session
 * timeout counts any frame (a PING or a trickle of SETTINGS keeps it alive, a slow but silent
 * stream trips it), so idleness is the open-stream count staying at zero instead.
 */
export function guardHttp2Session(session: ServerHttp2Session, timeouts: Http2Timeouts): void {
  let open = 0;
  let served = false;
  let idle: NodeJS.Timeout | undefined;
  let firstHeaders: NodeJS.Timeout | undefined;
  const stop = (timer: NodeJS.Timeout | undefined) => timer !== undefined && clearTimeout(timer);
  const end = () => {
    if (session.closed || session.destroyed) return;
    session.close();
    setTimeout(() => session.destroy(), GOAWAY_GRACE_MS).unref();
  };
  const armIdle = () => {
    stop(idle);
    if (timeouts.idleTimeout > 0) (idle = setTimeout(end, timeouts.idleTimeout)).unref();
  };
  // Slowloris after the preface: nothing but SETTINGS, PINGs or a partial frame never becomes a request.
  if (timeouts.headersTimeout > 0) (firstHeaders = setTimeout(() => !served && end(), timeouts.headersTimeout)).unref();
  armIdle();
  session.on('stream', (stream: ServerHttp2Stream) => {
    served = true;
    stop(firstHeaders);
    stop(idle);
    open++;
    const read = timeouts.readTimeout > 0 && !stream.endAfterHeaders ? setTimeout(() => readExpired(stream), timeouts.readTimeout).unref() : undefined;
    stream.once('close', () => {
      stop(read);
      if (--open === 0 && !session.closed && !session.destroyed) armIdle();
    });
  });
  session.once('close', () => {
    stop(idle);
    stop(firstHeaders);
  });
}

/** A request body still arriving after readTimeout: only this stream is reset, its session carries on. */
function readExpired(stream: ServerHttp2Stream): void {
  if (stream.closed || stream.destroyed) return;
  // The client's END_STREAM has arrived: the request is read, whatever the gateway has consumed of it.
  if (stream.state?.remoteClose || stream.readableEnded) return;
  stream.close(http2.constants.NGHTTP2_CANCEL);
}
