import type { NextFunction, Request, Response } from 'express';
import type { Principal, TokenStore } from './token-store.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

function unauthorized(res: Response, message: string): void {
  res
    .status(401)
    .set('WWW-Authenticate', 'Bearer realm="hangar"')
    .json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
}

/** Express middleware: every request it guards must carry `Authorization: Bearer <token>` of a known token. */
export function bearerAuth(tokens: TokenStore) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // Several mounts guard one request (the limiter, then the route): the token is checked once.
    if (req.principal) return next();
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return unauthorized(res, 'authentication required: send Authorization: Bearer <token>');
    try {
      const principal = await tokens.verify(match[1]!);
      if (!principal) return unauthorized(res, 'invalid token');
      req.principal = principal;
      next();
    } catch (error) {
      next(error);
    }
  };
}
