/**
 * SendoffModule provides sendoff through Nest's DI: the tokens, one Deliverer built (and checked)
 * at start-up, its storage, the link signer when given, and SendoffService; synchronously from a
 * config or through factories with `inject`.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Inject, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { expect } from 'chai';
import { createLinkSigner, directStream, LocalStorage, SendoffError, type Deliverer, type DeliveryConfig, type LinkSigner } from '@sendoff/core';
import { SENDOFF_CONFIG, SENDOFF_DELIVERER, SENDOFF_LINK_SIGNER, SENDOFF_STORAGE, SendoffModule, SendoffService } from '../src/index.js';
import type { RootModule } from './nest-app.js';

const ROOT_PATH = Symbol('test.rootPath');
const LINK_SECRET = 'a-link-secret-of-at-least-32-bytes-long!';

/** What an app's own configuration module provides. */
@Module({ providers: [{ provide: ROOT_PATH, useFactory: () => currentRoot }], exports: [ROOT_PATH] })
class SettingsModule {}
let currentRoot = '';

/** A service of a feature module that does not import SendoffModule. */
@Injectable()
class InvoiceDownloads {
  constructor(@Inject(SendoffService) readonly sendoff: SendoffService, @Inject(SENDOFF_DELIVERER) readonly deliverer: Deliverer) {}
}
@Module({ providers: [InvoiceDownloads], exports: [InvoiceDownloads] })
class InvoicesModule {}

function configOf(root: string): DeliveryConfig {
  return { environment: 'test', storage: new LocalStorage({ root }), strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } };
}

function linkSigner(): LinkSigner {
  return createLinkSigner({ keys: { k1: LINK_SECRET }, currentKeyId: 'k1' });
}

async function readAll(deliverer: Deliverer, key: string): Promise<string> {
  const plan = await deliverer.deliver({ method: 'GET', headers: {} }, { key });
  if (plan.body !== 'stream') throw new Error(`not a stream plan: ${plan.body}`);
  const chunks: Buffer[] = [];
  for await (const chunk of await plan.open()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('SendoffModule', () => {
  let root: string;
  let context: INestApplicationContext | undefined;

  async function contextOf(...imports: RootModule[]): Promise<INestApplicationContext> {
    @Module({ imports: imports as never[] })
    class AppModule {}
    context = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    return context;
  }

  beforeEach(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-nestjs-module-'));
    currentRoot = root;
    await fsp.writeFile(path.join(root, 'hello.txt'), 'hello from the module\n');
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('uses Symbol.for tokens, the names the inversify tokens use', () => {
    expect(SENDOFF_DELIVERER).to.equal(Symbol.for('sendoff.Deliverer'));
    expect(SENDOFF_CONFIG).to.equal(Symbol.for('sendoff.DeliveryConfig'));
    expect(SENDOFF_STORAGE).to.equal(Symbol.for('sendoff.Storage'));
    expect(SENDOFF_LINK_SIGNER).to.equal(Symbol.for('sendoff.LinkSigner'));
  });

  describe('forRoot(config)', () => {
    it('provides the config, one Deliverer over its storage, and SendoffService with that Deliverer', async () => {
      const config = configOf(root);
      const app = await contextOf(SendoffModule.forRoot(config));
      const deliverer = app.get<Deliverer>(SENDOFF_DELIVERER);
      expect(app.get(SENDOFF_CONFIG)).to.equal(config);
      expect(app.get(SENDOFF_STORAGE)).to.equal(config.storage);
      expect(app.get(SendoffService).deliverer).to.equal(deliverer);
      expect(await readAll(deliverer, 'hello.txt')).to.equal('hello from the module\n');
    });

    it('is global by default: a feature module injects SendoffService and the Deliverer without importing it', async () => {
      const app = await contextOf(SendoffModule.forRoot(configOf(root)), InvoicesModule);
      const downloads = app.get(InvoiceDownloads);
      expect(downloads.deliverer).to.equal(app.get(SENDOFF_DELIVERER));
      expect(downloads.sendoff).to.equal(app.get(SendoffService));
    });

    it('with global: false, a feature module that does not import it cannot inject it', async () => {
      const failure = await contextOf(SendoffModule.forRoot(configOf(root), { global: false }), InvoicesModule).then(() => undefined, (error: unknown) => error);
      expect(failure).to.be.instanceOf(Error);
      expect((failure as Error).message).to.match(/can't resolve dependencies of the InvoiceDownloads/);
    });

    it('provides the link signer only when given', async () => {
      const signer = linkSigner();
      const withSigner = await contextOf(SendoffModule.forRoot(configOf(root), { linkSigner: signer }));
      expect(withSigner.get(SENDOFF_LINK_SIGNER)).to.equal(signer);
      await withSigner.close();
      const without = await contextOf(SendoffModule.forRoot(configOf(root)));
      expect(() => without.get(SENDOFF_LINK_SIGNER)).to.throw(/sendoff\.LinkSigner/);
    });

    it('fails fast: a policy naming an unknown strategy throws CONFIG_INVALID when the module is declared', () => {
      const config = { ...configOf(root), policy: { rules: [], fallback: 'nowhere' } };
      expect(() => SendoffModule.forRoot(config)).to.throw(SendoffError).with.property('code', 'CONFIG_INVALID');
    });
  });

  describe('forRootAsync({ imports, inject, useFactory })', () => {
    it('builds the config from injected providers while the app starts, and the link signer from its own factory', async () => {
      const app = await contextOf(
        SendoffModule.forRootAsync({
          imports: [SettingsModule],
          inject: [ROOT_PATH],
          useFactory: async (rootPath: string) => configOf(rootPath),
          linkSigner: { useFactory: () => linkSigner() },
        }),
        InvoicesModule,
      );
      const deliverer = app.get<Deliverer>(SENDOFF_DELIVERER);
      expect(app.get<DeliveryConfig>(SENDOFF_CONFIG).storage).to.equal(deliverer.storage);
      expect(app.get(SENDOFF_STORAGE)).to.equal(deliverer.storage);
      expect(app.get(InvoiceDownloads).deliverer).to.equal(deliverer);
      expect(await readAll(deliverer, 'hello.txt')).to.equal('hello from the module\n');
      const signer = app.get<LinkSigner>(SENDOFF_LINK_SIGNER);
      expect(signer.verify(signer.sign({ key: 'hello.txt', ttlSeconds: 60 }))).to.include({ key: 'hello.txt' });
    });

    it('fails the start-up with CONFIG_INVALID on a bad config', async () => {
      const failure = await contextOf(
        SendoffModule.forRootAsync({ useFactory: () => ({ ...configOf(root), policy: { rules: [], fallback: 'nowhere' } }) }),
      ).then(() => undefined, (error: unknown) => error);
      expect(failure).to.be.instanceOf(SendoffError).with.property('code', 'CONFIG_INVALID');
    });

    it('provides no link signer without its factory', async () => {
      const app = await contextOf(SendoffModule.forRootAsync({ useFactory: () => configOf(root) }));
      expect(() => app.get(SENDOFF_LINK_SIGNER)).to.throw(/sendoff\.LinkSigner/);
    });
  });
});
