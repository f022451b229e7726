import CRdKafka
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Newly assigned partitions' streams (per-partition delivery mode).
public struct KafkaPartitionStreams: AsyncSequence, Sendable {
    public typealias Element = KafkaPartitionStream
    let channel: EventChannel<KafkaPartitionStream>

    /// Iterator; use from one task.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let channel: EventChannel<KafkaPartitionStream>
        /// The next partition stream, nil when the consumer closed.
        public mutating func next() async throws -> KafkaPartitionStream? {
            try await channel.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(channel: channel) }
}
