import type { AlpnChallengeCertificate } from '../acme/index.js';
import type { AppliedConfiguration } from '../provider/watcher.js';

/** Control process → worker: a merged configuration to apply (the same versions as the control process's table). */
export interface ConfigurationMessage {
  type: 'switchyard:configuration';
  applied: AppliedConfiguration;
}

/** Control process → worker: drain (accept grace, then graceTimeOut) and exit. */
export interface ShutdownMessage {
  type: 'switchyard:shutdown';
  /** An upgrade: the next generation serves the sockets now, so drain gently (no accept grace, `Connection: close`). */
  handedOver?: boolean;
}

/** Worker → control process: its first configuration is in service; send the public listening sockets. */
export interface WantListenersMessage {
  type: 'switchyard:want-listeners';
}

/** Control process → worker: one public entry point's listening socket, sent with the message as its handle. */
export interface ListenerMessage {
  type: 'switchyard:listener';
  name: string;
}

/** Control process → worker: every listening socket has been sent. */
export interface ListenersSentMessage {
  type: 'switchyard:listeners-sent';
}

/** Worker → control process: it accepts on every public entry point now. */
export interface ListeningMessage {
  type: 'switchyard:listening';
}

/** Control process → worker: send the Prometheus registry as JSON. */
export interface MetricsRequest {
  type: 'switchyard:metrics';
  id: number;
}

/** Worker → control process: its message listener is up, so configurations sent now are not lost. */
export interface HelloMessage {
  type: 'switchyard:hello';
}

/** Worker → control process: this configuration version is in service. */
export interface AppliedMessage {
  type: 'switchyard:applied';
  version: number;
}

/** Worker → control process: the answer to a MetricsRequest (empty when metrics are off). */
export interface MetricsResponse {
  type: 'switchyard:metrics-response';
  id: number;
  metrics: unknown[];
}

/** Control process → worker: every certificate the ACME resolvers hold now (replaces the previous set). */
export interface CertificatesMessage {
  type: 'switchyard:certificates';
  certificates: Array<{ names: string[]; cert: string; key: string }>;
}

/** Control process → worker: every pending TLS-ALPN-01 certificate (replaces the previous set); acknowledged by id. */
export interface AlpnChallengesMessage {
  type: 'switchyard:alpn-challenges';
  id: number;
  challenges: AlpnChallengeCertificate[];
}

/** Worker → control process: the AlpnChallengesMessage with this id is in service. */
export interface AlpnChallengesApplied {
  type: 'switchyard:alpn-challenges-applied';
  id: number;
}

/** Worker → control process: an HTTP-01 request for this token arrived; what is its key authorization? */
export interface HttpChallengeQuestion {
  type: 'switchyard:http-challenge';
  id: number;
  token: string;
}

/** Control process → worker: the answer to an HttpChallengeQuestion (undefined: no such pending token). */
export interface HttpChallengeAnswer {
  type: 'switchyard:http-challenge-answer';
  id: number;
  keyAuthorization: string | undefined;
}

/** Any message the control process sends a worker. */
export type ToWorker =
  | ConfigurationMessage
  | ShutdownMessage
  | MetricsRequest
  | CertificatesMessage
  | AlpnChallengesMessage
  | HttpChallengeAnswer
  | ListenerMessage
  | ListenersSentMessage;
/** Any message a worker sends the control process. */
export type ToPrimary = HelloMessage | AppliedMessage | MetricsResponse | AlpnChallengesApplied | HttpChallengeQuestion | WantListenersMessage | ListeningMessage;

/** True for messages of this protocol (cluster also carries its own and prom-client's). */
export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
