import CRdKafka
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The consumer's events (batch delivery mode).
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerEvent
    let channel: EventChannel<KafkaConsumerEvent>

    /// Iterator; use from one task.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let channel: EventChannel<KafkaConsumerEvent>
        /// The next event, nil when the consumer closed.
        public mutating func next() async throws -> KafkaConsumerEvent? {
            try await channel.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(channel: channel) }
}
