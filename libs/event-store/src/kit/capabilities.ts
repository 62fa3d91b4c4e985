/**
 * What an adapter's store cannot promise of the port; every flag defaults to true, the port's full
 * promise. An adapter that deviates says so in its static `capabilities`, and the contract suite
 * (../contract) is run with them.
 */
export interface EventStoreCapabilities {
  /** Positions are gap-free, starting at 1; otherwise only increasing (KurrentDB: log positions). */
  densePositions?: boolean;
  /** An event id stored in one stream is refused in every other (KurrentDB keeps no index of ids). */
  eventIdsUniqueAcrossStreams?: boolean;
}
