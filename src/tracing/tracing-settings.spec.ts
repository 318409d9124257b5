import { loadConfig } from '../config/app-config';
import { tracingSettings } from './tracing-settings';

const settingsOf = (env: Record<string, string>) => tracingSettings(loadConfig(env));

describe('tracingSettings', () => {
  it.each([
    ['no endpoint configured', {}],
    [
      'the SDK disabled',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' },
    ],
    [
      'the exporter none',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' },
    ],
  ])('is off with %s', (_case, env) => {
    expect(settingsOf(env)).toBeNull();
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'http://collector:4318/v1/traces'],
    [
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/ingest',
      },
      'https://traces.example/ingest',
    ],
  ])('posts %j to %s', (env, url) => {
    expect(settingsOf(env)?.url).toBe(url);
  });

  it('lets the traces-specific protocol and headers win over the generic ones', () => {
    const sut = settingsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=generic,x-team=a%20b',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=traces',
    });
    expect(sut?.protocol).toBe('http/json');
    expect(sut?.headers).toEqual({ 'x-api-key': 'traces', 'x-team': 'a b' });
  });

  it('defaults to parent-based always-on sampling at ratio 1, service name hookrelay', () => {
    const sut = settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    expect(sut).toMatchObject({
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      serviceName: 'hookrelay',
      protocol: 'http/protobuf',
    });
  });

  it('takes the sampler ratio and resource attributes', () => {
    const sut = settingsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod',
    });
    expect(sut?.samplerRatio).toBe(0.01);
    expect(sut?.resourceAttributes).toEqual({ 'deployment.environment.name': 'prod' });
  });
});

describe('the OTEL_* variables in the validated config', () => {
  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
    ['OTEL_RESOURCE_ATTRIBUTES', '=value'],
  ])('refuses %s=%s naming it', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(key);
  });

  it('never shows the export headers in its error (they carry API keys)', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'secret-token' })).toThrow(
      'OTEL_EXPORTER_OTLP_HEADERS=(hidden)',
    );
  });

  it('refuses an export batch larger than the queue', () => {
    expect(() =>
      loadConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '200' }),
    ).toThrow('OTEL_BSP_MAX_EXPORT_BATCH_SIZE=200');
  });
});
