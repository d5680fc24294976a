/**
 * What `flowdesk start` serves next to Slack: /healthz, /readyz, /metrics and, when
 * FLOWDESK_WEBHOOK_SECRET is set, POST /webhooks/prefect with its durable Redis queue and the
 * worker that applies queued events to requests through the run follower.
 */
import { hostname } from 'node:os';
import type { CustomRoute } from '@slack/bolt';
import { createHealthRoutes } from '../adapters/http/health-routes';
import type { FlowdeskMetrics } from '../adapters/http/metrics';
import { createPrefectWebhookHandler } from '../adapters/webhooks/prefect-webhook-route';
import { createRedisEventQueue, type RedisEventQueue } from '../adapters/webhooks/redis-event-queue';
import type { Runtime } from './build-runtime';

export interface StartRoutes {
  routes: CustomRoute[];
  /** Starts the webhook worker (after Slack is attached, so updates reach threads). */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export function createStartRoutes(runtime: Runtime, metrics: FlowdeskMetrics): StartRoutes {
  const { config, logger } = runtime;
  const routes: CustomRoute[] = createHealthRoutes({
    store: runtime.store,
    prefect: runtime.prefect,
    metrics,
  });
  let queue: RedisEventQueue | undefined;
  if (config.FLOWDESK_WEBHOOK_SECRET && runtime.redis) {
    queue = createRedisEventQueue({
      redis: runtime.redis,
      stream: `${config.FLOWDESK_REDIS_PREFIX}prefect-events`,
      group: 'flowdesk',
      consumer: `${hostname()}:${process.pid}`,
      logger,
      metrics,
    });
    const events = queue;
    metrics.setQueueLagSource(() => events.lag());
    routes.push({
      path: '/webhooks/prefect',
      method: ['POST'],
      handler: createPrefectWebhookHandler({
        secret: config.FLOWDESK_WEBHOOK_SECRET,
        queue,
        logger,
        metrics,
      }),
    });
  } else {
    logger.info(
      'FLOWDESK_WEBHOOK_SECRET is not set: /webhooks/prefect is off, runs are followed by polling only',
    );
  }
  return {
    routes,
    startWorker: async () => {
      await queue?.startWorker(runtime.runEventSink);
    },
    stop: async () => {
      await queue?.stopWorker();
    },
  };
}
