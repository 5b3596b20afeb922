import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { configInvalid, type DeliverOptions, type PlanProvider } from '@sendoff/core';
import { applyPlanToReply, toDeliveryRequest } from '@sendoff/core/node';

export interface SendoffPluginOptions {
  /** What `reply.sendoff` asks for a plan: a Deliverer (or anything with its `deliver`). */
  deliverer: PlanProvider<DeliverOptions>;
}

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Delivers one file: asks the plugin's deliverer for a plan and applies it to this reply, as
     * `reply.sendFile` of `@fastify/static` does: returns the reply at once (return it from the
     * handler, or `await` it), and hands an error of the delivery (a SendoffError: status,
     * statusCode, headers) to `reply.send(error)` before anything is set on the reply, so the
     * error handler answers it.
     */
    sendoff(options: DeliverOptions): FastifyReply;
  }
}

/** The header names of the plan applied to each reply. */
const appliedHeaders = new WeakMap<FastifyReply, readonly string[]>();

function plugin(app: FastifyInstance, options: SendoffPluginOptions, done: (error?: Error) => void): void {
  const deliverer = options?.deliverer;
  if (typeof deliverer?.deliver !== 'function') {
    done(configInvalid('@sendoff/fastify: register the plugin with { deliverer }, a Deliverer from createDelivery()'));
    return;
  }
  // An error rendered on a reply after its plan was applied (an onSend hook that throws) must not
  // carry the plan's headers: behind nginx an X-Accel-Redirect on a 500 is still served as the file.
  app.addHook('onError', async (_request, reply) => {
    for (const name of appliedHeaders.get(reply) ?? []) reply.removeHeader(name);
  });
  app.decorateReply('sendoff', function sendoff(this: FastifyReply, deliverOptions: DeliverOptions): FastifyReply {
    deliver(this, deliverer, deliverOptions).catch((error: unknown) => {
      // A body that failed once handed over: Fastify has answered it, or broken the connection after the head.
      if (!this.sent && !this.raw.headersSent) this.send(error);
    });
    return this;
  });
  done();
}

async function deliver(reply: FastifyReply, deliverer: PlanProvider<DeliverOptions>, options: DeliverOptions): Promise<void> {
  const plan = await deliverer.deliver(toDeliveryRequest(reply.request.raw, reply.raw), options);
  appliedHeaders.set(reply, plan.body === 'redirect' ? [...Object.keys(plan.headers), 'location'] : Object.keys(plan.headers));
  await applyPlanToReply(reply, plan);
}

/**
 * The Fastify plugin: `app.register(sendoff, { deliverer })` decorates every reply with
 * `reply.sendoff(options)`. Registered with fastify-plugin, so the decorator reaches the routes of
 * the app that registers it (not only those of an encapsulated child).
 */
export const sendoff = fastifyPlugin(plugin, { fastify: '5.x', name: '@sendoff/fastify' });
