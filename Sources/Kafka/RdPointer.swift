import CRdKafka
import Dispatch
import Logging

/// A librdkafka handle pointer that may cross threads.
///
/// `@unchecked Sendable` is safe: librdkafka documents `rd_kafka_t`,
/// `rd_kafka_queue_t` and `rd_kafka_topic_t` as thread-safe ("all librdkafka
/// APIs are thread-safe" for a handle); this wrapper only carries the pointer.
/// The owning client guarantees the handle outlives every use (see each client's
/// close protocol).
struct RdPointer: @unchecked Sendable {
    let raw: OpaquePointer
}
