/**
 * Merges async iterators that are each sorted by `compare` into one sorted stream, holding one
 * pending item per source (k-way merge; k is small: the chains of one day).
 */
export async function* mergeSorted<T>(
  sources: readonly AsyncIterable<T>[],
  compare: (a: T, b: T) => number,
): AsyncGenerator<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const heads: (T | undefined)[] = [];
  const done: boolean[] = [];
  try {
    for (const [i, it] of iterators.entries()) {
      const next = await it.next();
      done[i] = next.done === true;
      heads[i] = next.done ? undefined : next.value;
    }
    for (;;) {
      let best = -1;
      for (let i = 0; i < iterators.length; i++) {
        if (done[i]) continue;
        if (best < 0 || compare(heads[i] as T, heads[best] as T) < 0) best = i;
      }
      if (best < 0) return;
      yield heads[best] as T;
      const next = await (iterators[best] as AsyncIterator<T>).next();
      done[best] = next.done === true;
      heads[best] = next.done ? undefined : next.value;
    }
  } finally {
    await Promise.all(iterators.map((it, i) => (done[i] ? undefined : it.return?.())));
  }
}
