import { createHash } from 'node:crypto';
import { authenticateWebhook, classifyEvent, parseWebhookPayload, WEBHOOK_AUTH, WebhookPayloadError, type HangarConfig } from '@hangar/core';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { WebhookDeliveryStore } from './delivery-store.js';
import type { WebhookProcessor } from './processor.js';
import type { WebhookReceiverStore } from './receiver-store.js';

export interface WebhookRouteDeps {
  receivers: WebhookReceiverStore;
  deliveries: WebhookDeliveryStore;
  processor: WebhookProcessor;
  config: HangarConfig;
  log: (line: string) => void;
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** A receiver name as it may be recorded: bounded, and only the characters a name may have. */
const recordableName = (name: string) => name.replace(/[^a-zA-Z0-9_.-]/g, '?').slice(0, 63);

/**
 * `POST /webhooks/<receiver>` (and `/webhooks/<receiver>/<token>` for Docker Hub): no bearer token of Hangar's;
 * each receiver authenticates its source its own way, against the RAW body, before anything is parsed. An
 * accepted delivery is answered 202 at once and its rules are matched afterwards, so a registry's serial queue
 * never waits on an engine. Every request is recorded (refusals without the secret and without the body).
 */
export function webhookRoutes({ receivers, deliveries, processor, config, log }: WebhookRouteDeps): Router {
  const router = Router();
  const limit = config.webhooks.maxBodyBytes;
  const rawBody = express.raw({ type: () => true, limit });
  const readBody = (req: Request, res: Response) =>
    new Promise<Buffer>((resolve, reject) => {
      rawBody(req, res, (error?: unknown) => (error ? reject(error as Error) : resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))));
    });

  const handle = async (req: Request, res: Response, next: NextFunction) => {
    const receivedAt = new Date();
    const name = String(req.params.receiver);
    const pathToken = typeof req.params.token === 'string' ? req.params.token : undefined;
    try {
      const receiver = await receivers.find(name);
      if (!receiver || (pathToken !== undefined && WEBHOOK_AUTH[receiver.view.source] !== 'path-token')) {
        const reason = receiver ? 'this receiver takes no path token' : 'no such receiver';
        await deliveries.reject({ receiver: recordableName(name), source: receiver?.view.source, receivedAt, httpStatus: 404, reason });
        return fail(res, 404, 'NOT_FOUND', receiver ? `not found: receiver "${name}" takes no path token` : `no webhook receiver named "${name}"`);
      }
      const source = receiver.view.source;

      let body: Buffer;
      try {
        body = await readBody(req, res);
      } catch (error) {
        const status = (error as { status?: number }).status;
        const tooLarge = status === 413;
        const reason = tooLarge ? `body larger than ${limit} bytes` : `unreadable body: ${(error as Error).message}`;
        await deliveries.reject({ receiver: name, source, receivedAt, httpStatus: tooLarge ? 413 : 400, reason });
        return fail(res, tooLarge ? 413 : 400, tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', reason);
      }

      const verdict = authenticateWebhook(source, receiver.secret, { headers: req.headers, pathToken, body }, { nowSeconds: receivedAt.getTime() / 1000, toleranceSeconds: config.webhooks.toleranceSeconds });
      if (!verdict.ok) {
        await deliveries.reject({ receiver: name, source, receivedAt, httpStatus: 401, reason: verdict.reason });
        if (WEBHOOK_AUTH[source] === 'bearer') res.set('WWW-Authenticate', 'Bearer realm="hangar webhooks"');
        return fail(res, 401, 'UNAUTHENTICATED', `webhook authentication failed: ${verdict.reason}`);
      }

      let parsed;
      try {
        parsed = parseWebhookPayload(source, body, req.headers);
      } catch (error) {
        if (!(error instanceof WebhookPayloadError)) throw error;
        await deliveries.reject({ receiver: name, source, receivedAt, httpStatus: 400, reason: error.message });
        return fail(res, 400, 'BAD_REQUEST', error.message);
      }

      const { view, pending } = await deliveries.accept({
        receiver: name,
        source,
        receivedAt,
        deliveryId: parsed.deliveryId ?? `sha256:${createHash('sha256').update(body).digest('hex').slice(0, 32)}`,
        ignoredReason: parsed.ignoredReason,
        events: parsed.events.map((event) => {
          const verdict = classifyEvent(event);
          return { ...event, ignoredReason: verdict.actionable ? undefined : verdict.reason };
        }),
      });
      if (pending) processor.schedule(view.id);
      res.status(view.httpStatus).json({
        delivery: view.id,
        status: view.status,
        ...(view.reason ? { reason: view.reason } : {}),
        events: view.events.map((event) => ({ eventId: event.eventId, status: event.status, ...(event.ignoredReason ? { reason: event.ignoredReason } : {}) })),
      });
    } catch (error) {
      log(`webhook ${recordableName(name)}: ${(error as Error).message}`);
      next(error);
    }
  };

  router.post('/:receiver', handle);
  router.post('/:receiver/:token', handle);
  return router;
}
