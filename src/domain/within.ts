/**
 * The value of `work` if it settles within `ms`, else undefined; a rejection also gives
 * undefined. The timer does not keep the process alive. For waits that must not hang on a
 * Docker engine that stops answering.
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms), undefined);
    timer.unref();
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
