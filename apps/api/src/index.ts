export { startHangar, type Hangar, type StartHangarOptions } from './app.js';
export { buildHangarSchema, printHangarSchema } from './schema/build-schema.js';
export { connectRedis } from './redis/redis-connection.js';
export { REST_ROUTES, API_PREFIX } from './http/routes.js';
export { ARCHIVE_ROUTES, type RestRoute } from './http/archives.js';
