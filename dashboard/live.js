// Live updates: one EventSource on /api/events. Each applied configuration triggers a re-fetch of the page
// being shown; bursts are coalesced. Without the event stream the dashboard falls back to polling.

import { apiUrl } from './api.js';

const COALESCE_MS = 150;
const POLL_MS = 15000;
const MIN_GAP_MS = 1000;

/** Folds two change messages into one: the later version, and the union of the names per kind. */
export function mergeEvents(a, b) {
  if (!a || !b) return b ?? a;
  const merged = { ...b };
  for (const key of ['added', 'removed', 'changed']) {
    merged[key] = {};
    for (const kind of new Set([...Object.keys(a[key] ?? {}), ...Object.keys(b[key] ?? {})])) {
      merged[key][kind] = [...new Set([...(a[key]?.[kind] ?? []), ...(b[key]?.[kind] ?? [])])];
    }
  }
  return merged;
}

function readVersion(text) {
  try {
    return JSON.parse(text).version ?? null;
  } catch {
    return null;
  }
}

/**
 * Connects to the event stream and calls `onChange(event)` after each applied configuration;
 * `onState('live' | 'connecting' | 'polling')` reports the connection for the indicator.
 */
export function connectLive({ onChange, onState }) {
  let source = null;
  let timer = 0;
  let poll = 0;
  let pending = null;
  let failures = 0;
  let lastFired = 0;
  let lastVersion = null;

  // Bursts (a Kubernetes rollout) become one refresh, and refreshes are at least MIN_GAP_MS apart, so a
  // dashboard left open never makes the API rebuild large lists many times a second.
  const fire = (event) => {
    pending = mergeEvents(pending, event);
    if (timer) return;
    const wait = Math.max(COALESCE_MS, lastFired + MIN_GAP_MS - Date.now());
    timer = setTimeout(() => {
      timer = 0;
      lastFired = Date.now();
      const event = pending;
      pending = null;
      onChange(event);
    }, wait);
  };

  const startPolling = () => {
    onState('polling');
    if (!poll) poll = setInterval(() => fire(null), POLL_MS);
  };

  const open = () => {
    onState('connecting');
    source = new EventSource(apiUrl('events'));
    source.addEventListener('hello', (message) => {
      failures = 0;
      clearInterval(poll);
      poll = 0;
      onState('live');
      // After a reconnection the configuration may have moved on while nobody was listening.
      const version = readVersion(message.data);
      if (lastVersion !== null && version !== lastVersion) fire(null);
      lastVersion = version;
    });
    source.addEventListener('open', () => onState('live'));
    source.addEventListener('message', (message) => {
      let data = null;
      try {
        data = JSON.parse(message.data);
      } catch {
        // A message we cannot read still means the configuration changed.
      }
      onState('live');
      if (data?.version !== undefined) lastVersion = data.version;
      fire(data);
    });
    source.addEventListener('error', () => {
      // EventSource reconnects by itself after a network error, but gives up (CLOSED) on an HTTP error status.
      if (source.readyState === EventSource.CLOSED || ++failures > 3) {
        source.close();
        startPolling();
        setTimeout(open, POLL_MS * 2);
      } else {
        onState('connecting');
      }
    });
  };

  open();
  return {
    close() {
      source?.close();
      clearTimeout(timer);
      clearInterval(poll);
    },
  };
}
