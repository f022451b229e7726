import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import Logging
import ServiceLifecycle
import Synchronization

/// Offsets of printed messages (the next offset per partition) shared by the printer
/// and the rebalance handler.
final class Progress: Sendable {
    private let state = Mutex<(offsets: [KafkaTopicPartition: Int64], count: Int, consumer: KafkaConsumer?)>(([:], 0, nil))

    var consumer: KafkaConsumer? {
        get { state.withLock { $0.consumer } }
        set { state.withLock { $0.consumer = newValue } }
    }

    var count: Int { state.withLock { $0.count } }

    func record(_ message: KafkaConsumerMessage) {
        state.withLock { state in
            state.offsets[message.topicPartition] = message.offset + 1
            state.count += 1
        }
    }

    func processed(of partitions: [KafkaTopicPartition]) -> [KafkaTopicPartitionOffset] {
        state.withLock { state in
            partitions.compactMap { partition in
                state.offsets[partition].map { KafkaTopicPartitionOffset(partition, offset: .offset($0)) }
            }
        }
    }

    func all() -> [KafkaTopicPartitionOffset] {
        state.withLock { state in
            state.offsets.sorted { $0.key < $1.key }.map { KafkaTopicPartitionOffset($0.key, offset: .offset($0.value)) }
        }
    }
}
