import { Decider, foldEvents } from './decider';

/**
 * Given/when/then for deciders, as in Emmett's DeciderSpecification:
 *   spec.given([...past events]).when(command).then([...expected events])
 *   spec.given([...]).when(command).thenThrows(Conflict, /already/)
 * Test-only helper: it lives beside the decider type because every context's tests use it.
 */
export function deciderSpecification<C, S, E, R = E>(decider: Decider<C, S, E, R>) {
  return {
    /** Past events as the store records them (or as decided: evolve folds both). */
    given(history: readonly (E | R)[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, foldEvents<S, E | R>(decider, history));
          return {
            then(expected: readonly E[]) {
              expect(run()).toEqual(expected);
            },
            thenNothingHappens() {
              expect(run()).toEqual([]);
            },
            thenThrows(errorClass: new (...args: never[]) => Error, message?: RegExp) {
              let thrown: unknown;
              try {
                run();
              } catch (e) {
                thrown = e;
              }
              expect(thrown).toBeInstanceOf(errorClass);
              if (message) expect((thrown as Error).message).toMatch(message);
            },
          };
        },
      };
    },
  };
}
