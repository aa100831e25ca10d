/** One `userErrors` entry of a mutation payload. */
export interface UserErrorEntry {
  code: string;
  message: string;
  /** Path of the input field at fault, e.g. ["input", "refs", "2"]. */
  field?: readonly string[] | null | undefined;
  /** The host it concerns, for fleet-wide mutations. */
  host?: string | null | undefined;
}

/**
 * A mutation answered with `userErrors` (bad input, not found, a conflict) and the caller asked for exceptions.
 * Every entry is kept, with its code, field and host; `payload` is the whole answer (a fleet-wide removal may
 * have done part of its work).
 */
export class HangarUserError extends Error {
  readonly userErrors: readonly UserErrorEntry[];
  readonly payload: unknown;

  constructor(userErrors: readonly UserErrorEntry[], payload?: unknown) {
    super(describeUserErrors(userErrors));
    this.name = this.constructor.name;
    this.userErrors = userErrors;
    this.payload = payload;
  }

  /** The first entry's code. */
  get code(): string {
    return this.userErrors[0]?.code ?? 'BAD_REQUEST';
  }

  /** Every distinct code, in order of appearance. */
  get codes(): string[] {
    return [...new Set(this.userErrors.map((error) => error.code))];
  }

  /** Every distinct host named by an entry. */
  get hosts(): string[] {
    return [...new Set(this.userErrors.flatMap((error) => (error.host ? [error.host] : [])))];
  }
}

function describeUserErrors(userErrors: readonly UserErrorEntry[]): string {
  const lines = userErrors.map((error) => `${error.host ? `${error.host}: ` : ''}${error.code}: ${error.message}${error.field?.length ? ` (${error.field.join('.')})` : ''}`);
  return lines.length === 1 ? lines[0]! : `${lines.length} user errors: ${lines.join('; ')}`;
}
