/**
 * A module imported on its feature's first use and kept from then on (the lazy-loading rule in
 * docs/ARCHITECTURE.md): an idle provider does not carry the code of features it has not served.
 * The promise is kept, so later uses pay no module resolution (a repeated `import()` still resolves the
 * specifier, a few µs) and concurrent first uses share one load.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}
