import { lookup } from 'node:dns/promises';
import type { Resolver } from './policy.js';

/** How long a name may take to resolve before it counts as not resolving. */
const RESOLVE_TIMEOUT_MS = 10_000;

/** The system's resolver (getaddrinfo, as the engines' own lookups mostly are): every address of a name. */
export const systemResolver: Resolver = async (host) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${host}: no answer from the resolver`)), RESOLVE_TIMEOUT_MS);
    timer.unref();
  });
  try {
    const answers = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return answers.map((answer) => answer.address);
  } finally {
    clearTimeout(timer);
  }
};
