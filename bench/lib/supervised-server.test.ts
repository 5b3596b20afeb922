import { expect } from 'chai';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from '@sendoff-tools/test-kit';
import { SupervisedServer } from './supervised-server.js';

const script = new URL('./test-servers/exit-on-request.ts', import.meta.url);

describe('SupervisedServer', () => {
  let server: SupervisedServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('leaves a live server alone', async () => {
    server = await SupervisedServer.start({ name: 'once', script });
    expect(await server.ensureRunning()).to.equal(false);
    expect(server.crashes).to.equal(0);
  });

  it('restarts a server that died on its own, on a new process, and counts the crash', async () => {
    server = await SupervisedServer.start({ name: 'once', script });
    const first = server.current;
    const response = await request(`${first.origin}/`);
    expect(response.status).to.equal(200);
    expect(response.body.toString()).to.equal('bye');
    for (let waited = 0; !first.exited && waited < 10_000; waited += 50) await delay(50);
    expect(first.exited).to.equal(true);

    expect(await server.ensureRunning()).to.equal(true);
    expect(server.crashes).to.equal(1);
    expect(server.current.pid).to.not.equal(first.pid);
    const again = await request(`${server.current.origin}/`);
    expect(again.status).to.equal(200);
  });

  it('counts a crash found when stopping, and only once however often stop is called', async () => {
    server = await SupervisedServer.start({ name: 'once', script });
    await request(`${server.current.origin}/`);
    // Wait for the exit to land (a loaded machine can take longer than stop's short grace).
    for (let waited = 0; !server.current.exited && waited < 10_000; waited += 50) await delay(50);
    expect(server.current.exited).to.equal(true);
    await server.stop();
    await server.stop();
    expect(server.crashes).to.equal(1);
  });
});
