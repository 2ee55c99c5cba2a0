// A worker-like process with no socket.io server: publishes the events in REALTIME_EVENTS (JSON
// array of [event, payload, target]) through Redis, prints `published <n>` and exits.
import type { VideoEventName } from '@reelkit/protocol';
import { createRealtimePublisher, type EventTarget } from '../../src/events/index.js';
import { createRedis, loadServerConfig } from '../../src/index.js';

const config = loadServerConfig(process.env);
const redis = createRedis(config.REDIS_URL, 'realtime-test-publisher');
const publisher = createRealtimePublisher({ redis, redisPrefix: config.REDIS_PREFIX });
const events = JSON.parse(process.env.REALTIME_EVENTS ?? '[]') as Array<[VideoEventName, never, EventTarget]>;
for (const [event, payload, target] of events) publisher.publish(event, payload, target);
// QUIT is queued behind the PUBLISH commands, so it resolves once Redis has taken all of them.
await redis.quit();
console.log(`published ${events.length}`);
