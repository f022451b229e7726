import CRdKafka
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The events of one assigned partition (per-partition delivery mode).
public struct KafkaPartitionStream: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerEvent
    /// The partition.
    public let topicPartition: KafkaTopicPartition
    let channel: EventChannel<KafkaConsumerEvent>

    public func makeAsyncIterator() -> KafkaConsumerEvents.AsyncIterator { .init(channel: channel) }

    /// Makes the reader's pending (or next) wait return `.wakeUp`, after the events
    /// already buffered. Never blocks, so a delivery callback on the producer's
    /// poll thread may call it. Does nothing once the stream ended.
    public func wake() {
        channel.sendWithoutWaiting(.wakeUp(topicPartition))
    }
}
