import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Counters of the producer's deliveries since it was created.
public struct KafkaProducerStatistics: Sendable, Hashable {
    /// Messages the broker acknowledged.
    public var delivered: Int
    /// Messages that failed (timed out, purged at shutdown, rejected by the broker).
    public var failed: Int
    /// Messages enqueued and not yet reported.
    public var inFlight: Int
    /// The most recent delivery failure.
    public var lastError: KafkaError?
}
