import type { AppConfig } from '../config/app-config';

export type SamplerName = AppConfig['OTEL_TRACES_SAMPLER'];

/** Everything the OpenTelemetry SDK is given: explicit options, never its own env reading. */
export interface TracingSettings {
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  timeoutMs: number;
  compression: 'none' | 'gzip';
  serviceName: string;
  resourceAttributes: Record<string, string>;
  sampler: SamplerName;
  samplerRatio: number;
  batch: {
    scheduledDelayMillis: number;
    maxQueueSize: number;
    maxExportBatchSize: number;
    exportTimeoutMillis: number;
  };
}

type OtelConfig = Pick<AppConfig, Extract<keyof AppConfig, `OTEL_${string}`>>;

/**
 * The tracing settings of a configuration, or null when tracing is off: disabled, exporter
 * `none`, or no OTLP endpoint configured (the SDK's localhost default is not a configuration).
 * Follows the OpenTelemetry SDK environment specification: the signal-specific variables win,
 * and a generic endpoint gets `/v1/traces` appended.
 */
export function tracingSettings(config: OtelConfig): TracingSettings | null {
  if (config.OTEL_SDK_DISABLED || config.OTEL_TRACES_EXPORTER === 'none') return null;
  const url =
    config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? undefined
      : `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  if (url === undefined) return null;
  return {
    url,
    protocol: config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: { ...config.OTEL_EXPORTER_OTLP_HEADERS, ...config.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    timeoutMs: config.OTEL_EXPORTER_OTLP_TIMEOUT,
    compression: config.OTEL_EXPORTER_OTLP_COMPRESSION,
    serviceName: config.OTEL_SERVICE_NAME,
    resourceAttributes: config.OTEL_RESOURCE_ATTRIBUTES,
    sampler: config.OTEL_TRACES_SAMPLER,
    samplerRatio: config.OTEL_TRACES_SAMPLER_ARG ?? 1,
    batch: {
      scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY,
      maxQueueSize: config.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
      exportTimeoutMillis: config.OTEL_BSP_EXPORT_TIMEOUT,
    },
  };
}
