import Foundation
import Kafka
import Logging
import Metrics

/// When to snapshot a partition's state while processing.
package struct SnapshotPolicy: Sendable, Hashable {
    /// After this many applied records (0: never by count).
    package var everyRecords: Int
    /// After this much processing time (nil: never by time). Only *when* a snapshot
    /// is taken depends on the clock; its content is a pure function of the log prefix.
    package var everyInterval: Duration?

    /// Creates a policy.
    package init(everyRecords: Int = 50_000, everyInterval: Duration? = .seconds(60)) {
        self.everyRecords = everyRecords
        self.everyInterval = everyInterval
    }
}
