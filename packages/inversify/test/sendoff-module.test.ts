import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Container, inject, injectable } from 'inversify';
import { createDelivery, createLinkSigner, directStream, LocalStorage, SendoffError, type Deliverer, type DeliveryConfig, type LinkSigner } from '@sendoff/core';
import { sendoffModule, TYPES } from '../src/index.js';

@injectable()
class DownloadService {
  constructor(@inject(TYPES.Deliverer) readonly deliverer: Deliverer) {}
}

describe('@sendoff/inversify', () => {
  let root: string;
  let config: DeliveryConfig;

  beforeEach(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-inversify-'));
    await fsp.writeFile(path.join(root, 'hello.txt'), 'hello from the container\n');
    config = {
      environment: 'test',
      storage: new LocalStorage({ root }),
      strategies: [directStream()],
      policy: { rules: [], fallback: 'directStream' },
    };
  });
  afterEach(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('uses Symbol.for tokens, so any copy of the package agrees on them', () => {
    expect(TYPES.Deliverer).to.equal(Symbol.for('sendoff.Deliverer'));
    expect(TYPES.DeliveryConfig).to.equal(Symbol.for('sendoff.DeliveryConfig'));
    expect(TYPES.Storage).to.equal(Symbol.for('sendoff.Storage'));
    expect(TYPES.LinkSigner).to.equal(Symbol.for('sendoff.LinkSigner'));
  });

  it('binds one Deliverer (a singleton), the config and its storage', async () => {
    const container = new Container();
    container.load(sendoffModule(config));
    const first = container.get(TYPES.Deliverer);
    const second = container.get(TYPES.Deliverer);
    expect(first).to.equal(second);
    expect(container.get(TYPES.DeliveryConfig)).to.equal(config);
    expect(container.get(TYPES.Storage)).to.equal(config.storage);
    expect(container.isBound(TYPES.LinkSigner)).to.equal(false);

    const plan = await first.deliver({ method: 'GET', headers: {} }, { key: 'hello.txt' });
    expect(plan.status).to.equal(200);
    expect(plan.body).to.equal('stream');
    if (plan.body !== 'stream') return;
    const chunks: Buffer[] = [];
    for await (const chunk of await plan.open()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).to.equal('hello from the container\n');
    expect(plan.headers['Content-Type'] ?? plan.headers['content-type']).to.match(/^text\/plain/);
  });

  it('injects the Deliverer into an @injectable class through @inject(TYPES.Deliverer)', () => {
    const container = new Container();
    container.load(sendoffModule(config));
    container.bind(DownloadService).toSelf();
    const service = container.get(DownloadService);
    expect(service.deliverer).to.equal(container.get(TYPES.Deliverer));
  });

  it('binds the link signer it is given', () => {
    const linkSigner: LinkSigner = createLinkSigner({ keys: { k1: 'x'.repeat(32) }, currentKeyId: 'k1' });
    const container = new Container();
    container.load(sendoffModule(config, { linkSigner }));
    expect(container.get(TYPES.LinkSigner)).to.equal(linkSigner);
  });

  it('fails when the module is built from an invalid config, before any download', () => {
    const bad = { ...config, policy: { rules: [], fallback: 'noSuchStrategy' } } as DeliveryConfig;
    expect(() => sendoffModule(bad)).to.throw(SendoffError).with.property('code', 'CONFIG_INVALID');
    expect(() => createDelivery(bad)).to.throw(SendoffError);
  });
});
