/**
 * For the describe block it is called in: returns `closing`, which hands back the store given and
 * closes it after the test that opened it (every store of a test, in parallel).
 */
export function closeAfterEach(): <S extends { close(): Promise<void> }>(store: S) => S {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  return (store) => {
    open.push(store);
    return store;
  };
}
