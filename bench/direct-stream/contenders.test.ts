import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import { startChildServer, type ChildServer } from '@sendoff-tools/test-kit';
import { request } from '@sendoff-tools/test-kit';
import { contenders } from './contenders.js';
import { createFixtures, SMALL_SIZE, type Fixtures } from './fixtures.js';
import { verifyServer } from './verify.js';

describe('direct-stream contenders', function () {
  let fixtures: Fixtures;

  before(async () => {
    fixtures = await createFixtures({ smallCount: 3, largeSize: 3 * 2 ** 20 + 5 });
  });

  after(async () => {
    await fixtures.remove();
  });

  for (const contender of contenders) {
    describe(contender.name, () => {
      let server: ChildServer;

      before(async () => {
        server = await startChildServer({ name: contender.name, script: contender.script, args: [fixtures.root] });
      });

      after(async () => {
        await server.stop();
      });

      it('runs in its own process and passes the pre-run verification', async () => {
        expect(server.pid).to.not.equal(process.pid);
        await verifyServer(server, fixtures);
      });

      it('answers a 4 KiB file with status 200, its length and its exact bytes', async () => {
        const path = fixtures.smallPaths[1]!;
        const response = await request(server.origin + path);
        expect(response.status).to.equal(200);
        expect(response.headers['content-length']).to.equal(String(SMALL_SIZE));
        expect(response.headers['content-type']).to.match(/^text\/plain/);
        expect(response.body.equals(await readFile(join(fixtures.root, path)))).to.equal(true);
      });

      it('answers a missing file with 404', async () => {
        const response = await request(`${server.origin}/small/none.txt`);
        expect(response.status).to.equal(404);
      });

      it('stays up and keeps answering after many clients go away mid-request', async () => {
        await autocannon({ url: server.origin + fixtures.smallPaths[0]!, connections: 32, duration: 1 });
        await delay(300);
        expect(server.exited, `${contender.name} exited after clients disconnected`).to.equal(false);
        const response = await request(server.origin + fixtures.smallPaths[0]!);
        expect(response.status).to.equal(200);
        expect(response.body.length).to.equal(SMALL_SIZE);
      });
    });
  }
});
