import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { StaticConfig } from '../../config/static-types.js';
import type { GatewayView } from '../../gateway-view.js';
import type { ExchangeStart, FinishedExchange } from '../exchange.js';
import { Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { StaleSeries, type Labels, type SeriesOwner } from './stale-series.js';

/** `metrics.prometheus`, defaulted. */
export type PrometheusConfig = NonNullable<StaticConfig['metrics']['prometheus']>;

/** What building the Prometheus metrics needs. */
export interface PrometheusOptions {
  config: PrometheusConfig;
  /** Metric name prefix without the trailing underscore (`switchyard`, or `traefik` for Traefik dashboards). */
  prefix: string;
  /** Count requests to `@internal` routers and services at router and service level too. */
  addInternals: boolean;
  view: GatewayView;
}

/** Prometheus metrics of one gateway, in a registry of its own. */
export interface PrometheusMetrics {
  start: ExchangeStart;
  onConnection(entryPoint: string, socket: Socket): void;
  /** Counts an applied configuration (reload counters). */
  onApplied(): void;
  /** The exposition text; series of elements gone from the configuration are dropped after it. */
  scrape(): Promise<{ contentType: string; body: string }>;
  /** The registry as JSON, for the control process of worker mode to aggregate. */
  json(): Promise<MetricObjectWithValues<MetricValue<string>>[]>;
}

/** One level (entry point, router or service) of request metrics: counters, duration histogram, byte counters. */
interface Level {
  requests: Counter;
  tls: Counter;
  duration: Histogram;
  requestBytes: Counter;
  responseBytes: Counter;
}

/** Creates Traefik's Prometheus metrics (names from its `prometheus.go`, prefix configurable) on a private registry. */
export function createPrometheusMetrics(options: PrometheusOptions): PrometheusMetrics {
  const { config, prefix, view } = options;
  const registry = new Registry();
  const registers = [registry];
  const headerLabels = Object.entries(config.headerLabels ?? {});
  const extraNames = headerLabels.map(([label]) => label);
  const stale = new StaleSeries();

  const level = (name: string, keys: string[]): Level => ({
    requests: new Counter({ name: `${prefix}_${name}_requests_total`, help: `Requests answered, per ${name}, status code, method and protocol.`, labelNames: ['code', 'method', 'protocol', ...keys, ...extraNames], registers }),
    tls: new Counter({ name: `${prefix}_${name}_requests_tls_total`, help: `Requests received over TLS, per ${name}, TLS version and cipher suite.`, labelNames: ['tls_version', 'tls_cipher', ...keys], registers }),
    duration: new Histogram({ name: `${prefix}_${name}_request_duration_seconds`, help: `Time from request start to response end in seconds, per ${name}.`, labelNames: ['code', 'method', 'protocol', ...keys], buckets: config.buckets, registers }),
    requestBytes: new Counter({ name: `${prefix}_${name}_requests_bytes_total`, help: `Request body bytes read from clients, per ${name}.`, labelNames: ['code', 'method', 'protocol', ...keys], registers }),
    responseBytes: new Counter({ name: `${prefix}_${name}_responses_bytes_total`, help: `Response body bytes written to clients, per ${name}.`, labelNames: ['code', 'method', 'protocol', ...keys], registers }),
  });

  const reloads = new Counter({ name: `${prefix}_config_reloads_total`, help: 'Routing tables applied since start.', registers });
  const lastReload = new Gauge({ name: `${prefix}_config_last_reload_success`, help: 'Unix time of the last applied routing table.', registers });
  const openConnections = new Gauge({ name: `${prefix}_open_connections`, help: 'Client connections currently open, per entry point.', labelNames: ['entrypoint', 'protocol'], registers });
  const entryPoints = config.addEntryPointsLabels ? level('entrypoint', ['entrypoint']) : undefined;
  const routers = config.addRoutersLabels ? level('router', ['router', 'service']) : undefined;
  const services = config.addServicesLabels ? level('service', ['service']) : undefined;
  const retries = config.addServicesLabels ? new Counter({ name: `${prefix}_service_retries_total`, help: 'Retries made by retrying middlewares, per service.', labelNames: ['service'], registers }) : undefined;
  if (config.addServicesLabels) {
    new Gauge({
      name: `${prefix}_service_server_up`,
      help: '1 when a health-checked server is up, 0 when down.',
      labelNames: ['service', 'url'],
      registers,
      // Read at scrape time from the live table, so servers of removed services simply vanish.
      collect() {
        this.reset();
        for (const [service, built] of view.table()?.services ?? []) {
          for (const [url, state] of Object.entries(built.serverStatus())) this.set({ service, url }, state === 'UP' ? 1 : 0);
        }
      },
    });
  }

  new Gauge({
    name: `${prefix}_tls_certs_not_after`,
    help: 'Unix time at which a served certificate expires.',
    labelNames: ['cn', 'serial', 'sans'],
    registers,
    // Read at scrape time, so renewed and removed certificates are reflected at once.
    collect() {
      this.reset();
      for (const cert of view.certificates()) {
        this.set({ cn: cert.commonName, serial: cert.serialNumber, sans: cert.sans.join(',') }, Math.floor(Date.parse(cert.notAfter) / 1000));
      }
    },
  });

  const record = (metrics: Level, keys: Labels, extra: Labels, done: FinishedExchange, owner: SeriesOwner | undefined, metricName: string): void => {
    const labels = { code: String(done.status), method: done.method, protocol: done.protocol, ...keys };
    const counted = { ...labels, ...extra };
    metrics.requests.inc(counted);
    metrics.duration.observe(labels, done.durationMs / 1000);
    metrics.requestBytes.inc(labels, done.requestBytes);
    metrics.responseBytes.inc(labels, done.responseBytes);
    const tls = done.ctx.tls ? tlsLabels(done.req.socket as TLSSocket) : undefined;
    if (tls) metrics.tls.inc({ ...tls, ...keys });
    if (!owner) return;
    stale.note(`${metricName}:requests`, metrics.requests, counted, owner);
    for (const [part, metric] of [['duration', metrics.duration], ['requestBytes', metrics.requestBytes], ['responseBytes', metrics.responseBytes]] as const) stale.note(`${metricName}:${part}`, metric, labels, owner);
    if (tls) stale.note(`${metricName}:tls`, metrics.tls, { ...tls, ...keys }, owner);
  };

  return {
    start(req) {
      const extra: Labels = {};
      for (const [label, header] of headerLabels) {
        const value = req.headers[header.toLowerCase()];
        extra[label] = Array.isArray(value) ? value.join(',') : (value ?? '');
      }
      return (done) => {
        const { routerName: router, serviceName: service, entryPoint } = done.ctx;
        const internal = !options.addInternals && (router?.endsWith('@internal') || service?.endsWith('@internal'));
        if (entryPoints) record(entryPoints, { entrypoint: entryPoint }, extra, done, undefined, 'entrypoint');
        // A router's `observability.metrics: false` hides it and its service; the entry point still counts it.
        if (internal || !done.observe.metrics) return;
        if (routers && router && service) record(routers, { router, service }, extra, done, { router, service }, 'router');
        if (services && service) {
          record(services, { service }, extra, done, { service }, 'service');
          if (retries && done.retries > 0) {
            retries.inc({ service }, done.retries);
            stale.note('service:retries', retries, { service }, { service });
          }
        }
      };
    },
    onConnection(entryPoint, socket) {
      const labels = { entrypoint: entryPoint, protocol: 'TCP' };
      openConnections.inc(labels);
      socket.once('close', () => openConnections.dec(labels));
    },
    onApplied() {
      reloads.inc();
      lastReload.set(Date.now() / 1000);
    },
    async scrape() {
      const body = await registry.metrics();
      const status = view.table()?.status;
      stale.sweep({ routers: new Set(Object.keys(status?.routers ?? {})), services: new Set(Object.keys(status?.services ?? {})) });
      return { contentType: registry.contentType, body };
    },
    json: () => registry.getMetricsAsJSON(),
  };
}

// Traefik reports `1.3` / `TLS_AES_128_GCM_SHA256`; Node says `TLSv1.3` and gives the IANA name as standardName.
function tlsLabels(socket: TLSSocket): Labels | undefined {
  const version = typeof socket.getProtocol === 'function' ? socket.getProtocol() : null;
  if (!version) return undefined;
  const cipher = socket.getCipher?.();
  return { tls_version: version.replace(/^TLSv/, ''), tls_cipher: cipher?.standardName ?? cipher?.name ?? '' };
}
