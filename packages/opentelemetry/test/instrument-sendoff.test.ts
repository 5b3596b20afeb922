/**
 * instrumentSendoff through real deliveries (a node:http server, a real client) into the SDK's
 * in-memory exporters: span names, attributes, parents, and the metrics' values.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { LocalStorage, createDelivery, directStream, xAccel, type Deliverer } from '@sendoff/core';
import { createPlanServer, type PlanServer } from '@sendoff/core/testing';
import { readThenAbandon, recordDeliveries, request } from '@sendoff-tools/test-kit';
import { instrumentSendoff, type SendoffInstrumentation } from '../src/index.js';

const SMALL = 'small enough to stream\n';
const LARGE_SIZE = 4 * 2 ** 20;

describe('instrumentSendoff', () => {
  let base: string;
  let server: PlanServer;
  let spans: InMemorySpanExporter;
  let tracerProvider: BasicTracerProvider;
  let metricExporter: InMemoryMetricExporter;
  let reader: PeriodicExportingMetricReader;
  let meterProvider: MeterProvider;
  let instrumentation: SendoffInstrumentation | undefined;

  before(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'sendoff-otel-')));
    const root = join(base, 'files');
    await mkdir(join(root, 'docs'), { recursive: true });
    await writeFile(join(root, 'docs', 'small.txt'), SMALL);
    await writeFile(join(root, 'large.bin'), Buffer.alloc(LARGE_SIZE, 3));
    // Small files are streamed by the app, the rest goes to nginx.
    const deliverer: Deliverer = createDelivery({
      environment: 'production',
      storage: new LocalStorage({ root }),
      strategies: [directStream(), xAccel({ root, prefix: '/_protected/' })],
      policy: { rules: [{ name: 'small files', maxSize: 1024, use: 'directStream' }, { name: 'ranges', range: true, use: 'directStream' }], fallback: 'xAccel' },
    });
    server = await createPlanServer((req, url) => deliverer.deliver(req, { key: decodeURIComponent(url.pathname.slice(1)) }));
  });
  after(async () => {
    await server.close();
    await rm(base, { recursive: true, force: true });
  });

  beforeEach(() => {
    spans = new InMemorySpanExporter();
    tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
    meterProvider = new MeterProvider({ readers: [reader] });
    instrumentation = instrumentSendoff({ tracerProvider, meterProvider });
  });
  afterEach(async () => {
    instrumentation?.disable();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  });

  async function collected(): Promise<Map<string, MetricData>> {
    metricExporter.reset();
    await reader.forceFlush();
    const metrics = metricExporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    return new Map(metrics.map((metric) => [metric.descriptor.name, metric]));
  }

  function pointsOf(metric: MetricData | undefined): Array<{ attributes: Record<string, unknown>; value: unknown }> {
    return (metric?.dataPoints ?? []).map((point) => ({ attributes: { ...point.attributes }, value: point.value }));
  }

  function named(name: string): ReadableSpan[] {
    return spans.getFinishedSpans().filter((span) => span.name === name);
  }

  /** Waits for the next stream close on the channels (the instrumentation hears it too). */
  async function streamClosed<T>(action: () => Promise<T>): Promise<T> {
    const events = recordDeliveries();
    try {
      const result = await action();
      await events.streamClosed();
      return result;
    } finally {
      events.stop();
    }
  }

  it('makes a sendoff.deliver span per delivery with the decision, and no key by default', async () => {
    const response = await request(`${server.baseUrl}/large.bin`);
    expect(response.status).to.equal(200);
    expect(response.headers['x-accel-redirect']).to.equal('/_protected/large.bin');
    const [span, ...others] = named('sendoff.deliver');
    expect(others).to.deep.equal([]);
    expect(span!.attributes).to.deep.equal({
      'http.request.method': 'GET',
      'sendoff.strategy': 'xAccel',
      'sendoff.rule': 'fallback',
      'sendoff.location.kind': 'local',
      'sendoff.file.size': LARGE_SIZE,
      'sendoff.plan.body': 'empty',
      'http.response.status_code': 200,
    });
    expect(span!.instrumentationScope.name).to.equal('@sendoff/opentelemetry');
    expect(named('sendoff.stream')).to.deep.equal([]);
  });

  it('puts what keyAttribute answers as sendoff.key', async () => {
    instrumentation?.disable();
    const digest = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);
    instrumentation = instrumentSendoff({ tracerProvider, meterProvider, keyAttribute: digest });
    await request(`${server.baseUrl}/large.bin`);
    expect(named('sendoff.deliver')[0]!.attributes['sendoff.key']).to.equal(digest('large.bin'));
  });

  it('adds a child sendoff.stream span with the bytes streamed and finished', async () => {
    const response = await streamClosed(() => request(`${server.baseUrl}/docs/small.txt`));
    expect(response.body.toString()).to.equal(SMALL);
    const [deliver] = named('sendoff.deliver');
    const [stream] = named('sendoff.stream');
    expect(deliver!.attributes).to.include({ 'sendoff.strategy': 'directStream', 'sendoff.rule': 'small files', 'sendoff.plan.body': 'stream', 'http.response.status_code': 200 });
    expect(stream!.attributes).to.deep.equal({ 'sendoff.strategy': 'directStream', 'sendoff.stream.length': SMALL.length, 'sendoff.stream.bytes': SMALL.length, 'sendoff.stream.state': 'finished' });
    expect(stream!.parentSpanContext?.spanId).to.equal(deliver!.spanContext().spanId);
    expect(stream!.spanContext().traceId).to.equal(deliver!.spanContext().traceId);
  });

  it('marks an abandoned stream aborted, with the bytes that went out', async () => {
    const received = await streamClosed(() => readThenAbandon(`${server.baseUrl}/large.bin`, 64 * 1024, { Range: 'bytes=0-' }));
    expect(received.status).to.equal(206);
    const [stream] = named('sendoff.stream');
    expect(stream!.attributes['sendoff.stream.state']).to.equal('aborted');
    expect(stream!.attributes['sendoff.stream.bytes']).to.be.a('number').at.least(received.bytes).and.below(LARGE_SIZE);
    // The client left: the adapter destroys the body without an error, so no error.type.
    expect(stream!.attributes['error.type']).to.equal(undefined);
  });

  it('records a failed delivery: error.type on the span (not an error status for a 404) and in the counter', async () => {
    const response = await request(`${server.baseUrl}/docs/missing.txt`);
    expect(response.status).to.equal(404);
    const [span] = named('sendoff.deliver');
    expect(span!.attributes).to.deep.equal({ 'http.request.method': 'GET', 'http.response.status_code': 404, 'error.type': 'NOT_FOUND' });
    expect(span!.status.code).to.equal(0);
    const metrics = await collected();
    expect(pointsOf(metrics.get('sendoff.deliveries'))).to.deep.equal([{ attributes: { 'http.response.status_code': 404, 'error.type': 'NOT_FOUND' }, value: 1 }]);
  });

  it('counts deliveries by strategy and status, bytes streamed, streams in flight, and the decision time', async () => {
    await request(`${server.baseUrl}/large.bin`);
    await request(`${server.baseUrl}/large.bin`);
    await streamClosed(() => request(`${server.baseUrl}/docs/small.txt`));
    await streamClosed(() => request(`${server.baseUrl}/large.bin`, { headers: { Range: 'bytes=10-19' } }));
    const metrics = await collected();
    expect(pointsOf(metrics.get('sendoff.deliveries'))).to.have.deep.members([
      { attributes: { 'sendoff.strategy': 'xAccel', 'http.response.status_code': 200 }, value: 2 },
      { attributes: { 'sendoff.strategy': 'directStream', 'http.response.status_code': 200 }, value: 1 },
      { attributes: { 'sendoff.strategy': 'directStream', 'http.response.status_code': 206 }, value: 1 },
    ]);
    expect(pointsOf(metrics.get('sendoff.stream.bytes'))).to.deep.equal([{ attributes: { 'sendoff.strategy': 'directStream' }, value: SMALL.length + 10 }]);
    expect(metrics.get('sendoff.stream.bytes')!.descriptor.unit).to.equal('By');
    expect(pointsOf(metrics.get('sendoff.streams.active'))).to.deep.equal([{ attributes: { 'sendoff.strategy': 'directStream' }, value: 0 }]);
    const duration = metrics.get('sendoff.deliver.duration')!;
    expect(duration.descriptor.unit).to.equal('s');
    expect(duration.dataPointType).to.equal(DataPointType.HISTOGRAM);
    const counts = duration.dataPoints.map((point) => ({ attributes: { ...point.attributes }, count: (point.value as { count: number }).count }));
    expect(counts).to.have.deep.members([
      { attributes: { 'sendoff.strategy': 'xAccel', 'http.response.status_code': 200 }, count: 2 },
      { attributes: { 'sendoff.strategy': 'directStream', 'http.response.status_code': 200 }, count: 1 },
      { attributes: { 'sendoff.strategy': 'directStream', 'http.response.status_code': 206 }, count: 1 },
    ]);
  });

  it('shows a stream in flight while its body is still going out, and none once it closed', async () => {
    const events = recordDeliveries();
    try {
      const held = await holdDownload(`${server.baseUrl}/large.bin`, { Range: 'bytes=0-' });
      expect(held.status).to.equal(206);
      const during = await collected();
      expect(pointsOf(during.get('sendoff.streams.active'))).to.deep.equal([{ attributes: { 'sendoff.strategy': 'directStream' }, value: 1 }]);
      held.abandon();
      await events.streamClosed();
    } finally {
      events.stop();
    }
    const after = await collected();
    expect(pointsOf(after.get('sendoff.streams.active'))).to.deep.equal([{ attributes: { 'sendoff.strategy': 'directStream' }, value: 0 }]);
  });

  it('records nothing once disabled', async () => {
    instrumentation!.disable();
    instrumentation!.disable();
    const response = await request(`${server.baseUrl}/large.bin`);
    expect(response.status).to.equal(200);
    expect(spans.getFinishedSpans()).to.deep.equal([]);
    const metrics = await collected();
    expect(pointsOf(metrics.get('sendoff.deliveries'))).to.deep.equal([]);
  });
});

/** GETs `url` and stops reading once the head is in: the server's body stream stays open until `abandon()`. */
function holdDownload(url: string, headers: Record<string, string>): Promise<{ status: number; abandon(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      res.pause();
      res.on('error', () => undefined);
      resolve({ status: res.statusCode ?? 0, abandon: () => req.destroy() });
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
  });
}
