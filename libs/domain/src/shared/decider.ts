/**
 * A decider is the whole behaviour of one aggregate as two pure functions:
 * `decide` turns a command and the current state into new events (or throws a DomainError),
 * `evolve` folds one event into the state. No I/O, no clock, no randomness: ids and times come
 * in on the command, so the same history and command always give the same events.
 *
 * The fold owns the state it builds. So that a stream of n events folds in O(n), `evolve` may
 * update the state it is given in place (a set of ids grows by one entry; it is not copied per
 * event) and return it: whoever calls `evolve` hands it the state and keeps only what it returns.
 * Every state starts from `initialState()`, a fresh object each call, so two folds never share
 * one; `evolve` never changes an event. `decide` reads the state and never changes it.
 *
 * `Recorded` is the form the event store gives the events back in, when it differs from what
 * `decide` emits (households: personal data is sealed on the way into the store). `evolve` folds
 * both, so it must not depend on what differs.
 */
export interface Decider<Command, State, Event, Recorded = Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event | Recorded): State;
  initialState(): State;
}

/** Replays a history into the state it leaves behind. */
export function foldEvents<State, Event>(decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}
