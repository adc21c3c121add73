import type { ServerResponse } from 'node:http';

/** How many listeners of each watched event the client's response had before an attempt started. */
export interface ListenerMarks {
  finish: number;
  close: number;
  drain: number;
}

/** How a dropped attempt ended: it called end(), it destroyed its response, or the client's connection closed. */
export type DroppedEnd = 'ended' | 'destroyed' | 'closed';

/** Counts the response's listeners before an attempt, so the ones the attempt adds can be told apart afterwards. */
export function listenerMarks(res: ServerResponse): ListenerMarks {
  return { finish: res.listenerCount('finish'), close: res.listenerCount('close'), drain: res.listenerCount('drain') };
}

/** Removes and returns the listeners added to `event` after `mark` (listeners are kept in the order they were added). */
type Listener = (...args: unknown[]) => void;

function takeAdded(res: ServerResponse, event: string, mark: number): Listener[] {
  const added = res.rawListeners(event).slice(mark) as Listener[];
  for (const listener of added) res.removeListener(event, listener);
  return added;
}

/**
 * Releases what a dropped attempt left on the client's response. The downstream waits for its own
 * response's events (the forwarder settles on 'finish' when it relayed through a pipe; inFlightReq frees
 * its slot; timeout clears its timer), and a dropped attempt's response never emits them: its 'finish'
 * listeners are called when it ended, its 'close' listeners when it was destroyed, as a response of its
 * own would have done. None of them stays for the response the client gets.
 */
export function detachAttemptListeners(res: ServerResponse, marks: ListenerMarks, how: DroppedEnd): void {
  const finish = takeAdded(res, 'finish', marks.finish);
  const close = takeAdded(res, 'close', marks.close);
  takeAdded(res, 'drain', marks.drain);
  const fire = how === 'ended' ? finish : how === 'destroyed' ? close : [];
  for (const listener of fire) listener.call(res);
}
