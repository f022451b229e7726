import Foundation
import Kafka
import Logging
import Metrics
import ServiceLifecycle

/// Settings of one partition-parallel stage.
package struct StageConfiguration: Sendable {
    /// A name for logs (`route`, `identity`, `materialize`).
    package var name: String
    /// The topics whose partitions the stage processes.
    package var inputTopics: [String]
    /// The consumer group; processes with the same group split the partitions.
    package var groupID: String
    /// `session.timeout.ms` (Kafka's default 45 s; Tansu joins take half of it).
    package var sessionTimeout: Duration = .seconds(45)
    /// How often committable offsets are committed while processing.
    package var commitInterval: Duration = .milliseconds(500)
    /// When to snapshot stateful processors.
    package var snapshotPolicy = SnapshotPolicy()
    /// `fetch.wait.max.ms` of the stage's consumer (default 100 ms; librdkafka's own
    /// default is 500 ms), used unless the client properties set it. Kafka answers a
    /// fetch as soon as data arrives, so there this only bounds how often an idle
    /// partition is polled. Tansu answers a caught-up fetch late, so every hop of the
    /// topology adds up to this much; but each fetch costs it CPU. Measured on Tansu
    /// (lz4, 50k inbound messages; 1,000 msgs/s for latency): 500 ms: broker 215 µs
    /// CPU per inbound message, p50/p99 474/702 ms; 100 ms: 196 µs, 170/413 ms;
    /// 10 ms: 221–397 µs, 107–131/206–340 ms, and an idle engine costs the broker
    /// ~24% of a core (~10% at 500 ms). `-X fetch.wait.max.ms=10` trades broker CPU
    /// for latency.
    package var fetchWaitMax: Duration = .milliseconds(100)
    /// Most records a partition worker applies in one actor job (the consumer hands
    /// over up to 2,048 at a time; larger batches are applied in slices). A job holds
    /// a thread of the cooperative pool until it ends (a materialize record costs
    /// ~100 µs), so smaller jobs let the other stages' partitions interleave.
    /// Measured (engine bench, `--latency-only --rate 1000 --seconds 10`, Tansu, a
    /// 2-core machine shared with other loads, so noisy): p99 with 2,048 records per
    /// job 0.32–1.94 s (median of 5 runs 0.71 s); 256: 0.43–0.61 s; 64: 0.23–0.65 s
    /// (median of 7 runs 0.41 s); 32: 0.35–0.43 s; 16: 0.62–1.02 s. Throughput was
    /// within the noise (an actor job costs microseconds, 64 materialize records ~6 ms).
    package var maxRecordsPerJob: Int = 64

    /// Creates a configuration.
    package init(name: String, inputTopics: [String], groupID: String) {
        self.name = name
        self.inputTopics = inputTopics
        self.groupID = groupID
    }
}
