import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { LocalStorage, createDelivery, directStream, xAccel, type TrafficSnapshot } from '@sendoff/core';
import { startLocalRedis, type LocalRedis } from '@sendoff-tools/test-kit';
import { redisTraffic, type RedisTraffic } from '../src/index.js';
import { connect, eventually } from './support.js';

describe('redisTraffic (real redis-server)', () => {
  let redis: LocalRedis;
  const clients: Redis[] = [];
  const sources: RedisTraffic[] = [];
  let prefix: string;
  let count = 0;

  before(async () => {
    redis = await startLocalRedis();
  });

  beforeEach(() => {
    prefix = `test${++count}:`;
  });

  afterEach(async () => {
    for (const source of sources.splice(0)) await source.close();
    for (const client of clients.splice(0)) client.disconnect();
  });

  after(async () => {
    await redis.stop();
  });

  /** One process of the fleet: its own connection, its own entry. */
  async function member(options: { processTtlMs?: number; windowSeconds?: number } = {}): Promise<{ source: RedisTraffic; client: Redis }> {
    const client = await connect(redis.url);
    clients.push(client);
    const source = redisTraffic({ client, prefix, timeoutMs: 200, ...options });
    sources.push(source);
    return { source, client };
  }

  const streamsAre = (source: RedisTraffic, expected: number) => eventually(() => source.snapshot(), (snapshot) => snapshot.streams === expected);

  it('sums the streams of every process, as each one starts and ends them', async () => {
    const a = await member();
    const b = await member();
    a.source.streamStarted();
    a.source.streamStarted();
    b.source.streamStarted();
    expect((await streamsAre(a.source, 3)).streams).to.equal(3);
    expect((await b.source.snapshot()).streams).to.equal(3);
    b.source.streamEnded();
    a.source.streamEnded();
    expect((await streamsAre(b.source, 1)).streams).to.equal(1);
    expect([a.source.streams, b.source.streams]).to.deep.equal([1, 0]);
  });

  it('sums downloads and bytes of every process over the window', async () => {
    const a = await member({ windowSeconds: 60 });
    const b = await member({ windowSeconds: 60 });
    for (let i = 0; i < 3; i++) a.source.recordDownload(1000);
    b.source.recordDownload(500);
    b.source.recordDownload(0);
    const expected: TrafficSnapshot = { streams: 0, downloadsPerSecond: 5 / 60, bytesPerSecond: 3500 / 60 };
    const snapshot = await eventually(() => a.source.snapshot(), (value) => value.downloadsPerSecond === expected.downloadsPerSecond);
    expect(snapshot).to.deep.equal(expected);
  });

  it("stops counting a crashed process's streams once its entry is not renewed", async () => {
    const survivor = await member();
    const crashed = await member({ processTtlMs: 300 });
    survivor.source.streamStarted();
    for (let i = 0; i < 5; i++) crashed.source.streamStarted();
    expect((await streamsAre(survivor.source, 6)).streams).to.equal(6);
    // The process dies: no heartbeat, no goodbye.
    crashed.client.disconnect();
    expect((await streamsAre(survivor.source, 1)).streams).to.equal(1);
  });

  it("withdraws a closed process's streams at once", async () => {
    const a = await member();
    const b = await member();
    b.source.streamStarted();
    expect((await streamsAre(a.source, 1)).streams).to.equal(1);
    await b.source.close();
    expect((await a.source.snapshot()).streams).to.equal(0);
  });

  it('fails a snapshot at once, without queueing, once Redis has died', async () => {
    const own = await startLocalRedis();
    try {
      const client = await connect(own.url);
      clients.push(client);
      const source = redisTraffic({ client, prefix });
      sources.push(source);
      source.streamStarted();
      expect((await eventually(() => source.snapshot(), (value) => value.streams === 1)).streams).to.equal(1);
      await own.kill();
      source.streamStarted();
      const error = await source.snapshot().then(
        () => undefined,
        (failure: unknown) => failure as Error,
      );
      // Either the client already knows (not connected) or the write fails: never a queued wait.
      expect(error?.message).to.match(/redis is not connected|Stream isn't writeable|Connection is closed/);
    } finally {
      await own.stop();
    }
  });
});

describe('a Deliverer on redisTraffic (real redis-server)', () => {
  let redis: LocalRedis;
  let base: string;
  let root: string;
  const clients: Redis[] = [];
  const sources: RedisTraffic[] = [];

  before(async () => {
    redis = await startLocalRedis();
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-redis-deliver-'));
    root = await fsp.realpath(base);
    await fsp.writeFile(path.join(root, 'a.txt'), 'fleet bytes');
  });

  after(async () => {
    for (const source of sources.splice(0)) await source.close();
    for (const client of clients.splice(0)) client.disconnect();
    await redis.stop();
    await fsp.rm(base, { recursive: true, force: true });
  });

  async function deliverer() {
    const client = await connect(redis.url);
    clients.push(client);
    const traffic = redisTraffic({ client, prefix: 'deliver:', timeoutMs: 100 });
    sources.push(traffic);
    const delivery = createDelivery({
      environment: 'production',
      storage: new LocalStorage({ root }),
      strategies: [directStream(), xAccel({ root, prefix: '/_protected/' })],
      policy: { rules: [{ name: 'busy fleet', use: 'xAccel', fleetStreamsAbove: 1 }], fallback: 'directStream' },
      traffic,
    });
    return { delivery, traffic };
  }

  it('offloads once the other processes stream enough; falls back, flagged, when Redis stops answering or dies; every download works', async () => {
    const a = await deliverer();
    const b = await deliverer();
    const GET = { method: 'GET', headers: {} };
    const first = await a.delivery.deliver(GET, { key: 'a.txt' });
    expect(first.decision).to.deep.include({ strategy: 'directStream', traffic: { source: 'redis', fallback: false } });

    // Process b holds two streams; process a holds none.
    b.traffic.streamStarted();
    b.traffic.streamStarted();
    const busy = await eventually(() => a.delivery.deliver(GET, { key: 'a.txt' }), (result) => result.strategy === 'xAccel');
    expect(busy.decision).to.deep.equal({
      rule: 'busy fleet',
      strategy: 'xAccel',
      reasons: ['fleet streams 2 > fleetStreamsAbove 1, counted by redis'],
      traffic: { source: 'redis', fallback: false },
    });
    expect(busy.headers['X-Accel-Redirect']).to.equal('/_protected/a.txt');
    expect(a.delivery.inFlight).to.equal(0);

    // Redis hangs: the decision waits at most timeoutMs, then takes this process's counters.
    redis.freeze();
    try {
      const frozen = await a.delivery.deliver(GET, { key: 'a.txt' });
      expect(frozen.decision).to.deep.include({ strategy: 'directStream', traffic: { source: 'local (redis unavailable)', fallback: true } });
      expect(frozen.body).to.equal('stream');
      if (frozen.body === 'stream') expect(await text(await frozen.open())).to.equal('fleet bytes');
    } finally {
      redis.thaw();
    }

    // Redis dies: the same, and at once (the client knows it is not connected).
    await redis.kill();
    await eventually(async () => a.traffic.snapshot().then(() => 'up', () => 'down'), (state) => state === 'down');
    const dead = await a.delivery.deliver(GET, { key: 'a.txt' });
    expect(dead.decision.traffic).to.deep.equal({ source: 'local (redis unavailable)', fallback: true });
    const explanation = await b.delivery.explain(GET, { key: 'a.txt' });
    expect(explanation.text.split('\n')[1]).to.equal('traffic: local (redis unavailable)');
    expect(explanation.decision?.strategy).to.equal('directStream');
  });
});
