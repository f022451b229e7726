import Synchronization

/// How far the read model's consumer has come, for `serve`'s health probes: the
/// partitions that have reached their end at least once (the store then holds
/// everything that was in the topics when `serve` started, or later), and when the
/// consumer loop last made progress.
package final class ReadModelProgress: Sendable {
    private struct State {
        var caughtUp: Set<String> = []
        var lastProgress = ContinuousClock.now
    }

    private let state = Mutex(State())
    /// How many partitions the consumer reads.
    package let partitions: Int

    package init(partitions: Int) { self.partitions = partitions }

    /// Records that `topic`/`partition` reached its end.
    package func reachedEnd(topic: String, partition: Int32) {
        state.withLock {
            $0.caughtUp.insert("\(topic)/\(partition)")
            $0.lastProgress = .now
        }
    }

    /// Records that a batch was applied.
    package func applied() { state.withLock { $0.lastProgress = .now } }

    /// Partitions that have reached their end at least once.
    package var caughtUpCount: Int { state.withLock { $0.caughtUp.count } }

    /// True once every partition has reached its end at least once.
    package var isReady: Bool { caughtUpCount >= partitions }
}
