export { startHangar, type Hangar, type StartHangarOptions } from './app.js';
export { buildHangarSchema, printHangarSchema } from './schema/build-schema.js';
export { connectRedis } from './redis/redis-connection.js';
