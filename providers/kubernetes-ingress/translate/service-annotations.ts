import type { StickyCookieConfig } from '../../../src/config/dynamic-schema.js';
import { AnnotationError, parseBool, parseChoice, parseInteger, parseReference, parseReferences, type Annotation } from './annotation-values.js';
import { prefixedAnnotations } from './annotations.js';

/** What a Service's annotations say about the load balancer built from it. */
export interface ServiceAnnotations {
  passHostHeader?: boolean;
  sticky?: StickyCookieConfig;
  /** `service.serversscheme`: the scheme of every server URL instead of the port-derived one. */
  scheme?: 'http' | 'https' | 'h2c';
  serversTransport?: string;
  middlewares?: string[];
  /** `service.nativelb`: one server, the ClusterIP, instead of the endpoints. */
  nativeLB?: boolean;
}

const SAME_SITE = ['none', 'lax', 'strict'] as const;

type Setter = (out: ServiceAnnotations, a: Annotation) => void;
const cookie = (out: ServiceAnnotations): StickyCookieConfig => (out.sticky ??= {});

const SETTERS: Record<string, Setter> = {
  'service.passhostheader': (out, a) => (out.passHostHeader = parseBool(a)),
  'service.serversscheme': (out, a) => (out.scheme = parseChoice(a, ['http', 'https', 'h2c'] as const)),
  'service.serverstransport': (out, a) => (out.serversTransport = parseReference(a)),
  'service.middlewares': (out, a) => (out.middlewares = parseReferences(a)),
  'service.nativelb': (out, a) => (out.nativeLB = parseBool(a)),
  'service.nodeportlb': (_out, a) => {
    // Node addresses are cluster-scoped objects the translation does not receive.
    if (parseBool(a)) throw new AnnotationError(a.key, a.value, 'is not supported by Switchyard (use service.nativelb)');
  },
  'service.sticky.cookie.name': (out, a) => (cookie(out).name = a.value.trim()),
  'service.sticky.cookie.secure': (out, a) => (cookie(out).secure = parseBool(a)),
  'service.sticky.cookie.httponly': (out, a) => (cookie(out).httpOnly = parseBool(a)),
  'service.sticky.cookie.samesite': (out, a) => (cookie(out).sameSite = parseChoice(a, SAME_SITE, true)),
  'service.sticky.cookie.domain': (out, a) => (cookie(out).domain = a.value.trim()),
  'service.sticky.cookie.path': (out, a) => (cookie(out).path = a.value.trim()),
  'service.sticky.cookie.maxage': (out, a) => (cookie(out).maxAge = parseInteger(a)),
};

/** Parses a Service's annotations; throws the first bad one as an AnnotationError naming it. */
export function parseServiceAnnotations(annotations: Record<string, string> | undefined): ServiceAnnotations {
  const out: ServiceAnnotations = {};
  let cookieFlag: boolean | undefined;
  for (const [suffix, a] of [...prefixedAnnotations(annotations)].sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (suffix === 'service.sticky.cookie') cookieFlag = parseBool(a);
    else if (SETTERS[suffix]) SETTERS[suffix](out, a);
    else if (suffix.startsWith('service.')) throw new AnnotationError(a.key, a.value, 'is not a known service annotation');
  }
  // "false" turns stickiness off even when cookie attributes are set; attributes alone turn it on.
  if (cookieFlag === false) delete out.sticky;
  else if (cookieFlag === true) out.sticky ??= {};
  return out;
}
