/**
 * `Idempotency-Key` the way payment APIs honour it: the first request with a key that succeeds
 * applies its effect and its answer is stored; a later one with the same key gets the stored
 * answer and applies nothing. A failed answer stores nothing, so a retry may still succeed.
 * A repeat that arrives while the first is still being answered waits for that answer.
 * Capped: the oldest keys are forgotten past `maxKeys` (a demo, kept in memory).
 */
export interface Answer {
  status: number;
  body: unknown;
}

export class IdempotentAnswers {
  readonly #answers = new Map<string, Promise<Answer>>();
  constructor(private readonly maxKeys = 50_000) {}

  /** The stored answer for `key`, or what `apply` answers (stored when it is a 2xx). */
  async answer(key: string | undefined, apply: () => Promise<Answer>): Promise<Answer & { replayed: boolean }> {
    if (!key) return { ...(await apply()), replayed: false };
    const stored = this.#answers.get(key);
    if (stored) {
      const answer = await stored.catch(() => undefined);
      if (answer && answer.status < 300) return { ...answer, replayed: true };
    }
    const pending = apply();
    this.#answers.set(key, pending);
    const answer = await pending.catch((error: unknown) => {
      this.#answers.delete(key);
      throw error;
    });
    if (answer.status >= 300) this.#answers.delete(key);
    else if (this.#answers.size > this.maxKeys) this.#answers.delete(this.#answers.keys().next().value as string);
    return { ...answer, replayed: false };
  }

  clear(): void {
    this.#answers.clear();
  }
}
