/**
 * Polls `probe` until `accept` holds for its value, then returns that value. Work the server
 * finishes after answering (audit rows, a torn upload's cleanup) is awaited this way, never with a
 * fixed sleep that a loaded CI machine can outrun. On timeout, returns the last value so the
 * caller's own assertion reports what was seen.
 */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  { timeoutMs = 10_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
