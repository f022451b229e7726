/// The names of every metric LeadLedger emits, in one place (docs/operations.md
/// describes each). The engine reports through swift-metrics only; `run` bootstraps
/// the Prometheus backend that serves them at `/metrics`.
package enum MetricNames {
    /// Counter `{stage,topic,partition}`: input records applied while emitting.
    package static let recordsIn = "leadledger_records_in_total"
    /// Counter `{stage,topic}`: output records enqueued to the producer, by target topic.
    package static let recordsOut = "leadledger_records_out_total"
    /// Counter `{stage,code}`: DLQ records enqueued, by error code.
    package static let dlqRecords = "leadledger_dlq_records_total"
    /// Counter `{stage,code}`: problems a processor reported (`ProcessorDiagnostic`), e.g. `source_gap`.
    package static let diagnostics = "leadledger_diagnostics_total"
    /// Gauge `{stage,topic,partition}`: records between the applied position and the
    /// partition's high watermark (the consumer's cached fetch response).
    package static let consumerLag = "leadledger_consumer_lag"
    /// Gauge `{stage,topic,partition}`: the offset last committed for the partition.
    package static let committedOffset = "leadledger_committed_offset"
    /// Histogram `{stage}` in seconds: from an input record's Kafka timestamp to the
    /// acknowledgement of each of its outputs.
    package static let eventToOutput = "leadledger_event_to_output_seconds"
    /// Gauge `{stage,partition}`: seconds since the partition's state was last snapshotted (or restored).
    package static let snapshotAge = "leadledger_snapshot_age_seconds"
    /// Histogram `{stage}` in seconds: how long writing a snapshot took.
    package static let snapshotDuration = "leadledger_snapshot_duration_seconds"
    /// Counter `{tier}`: lead decisions made, by the decided route's tier.
    package static let decisions = "leadledger_decisions_total"
    /// Counter `{change}`: routing records, by route change.
    package static let routeChanges = "leadledger_route_changes_total"
    /// Gauge `{model_version,ruleset_version}` = 1: the decision configuration in use.
    package static let modelInfo = "leadledger_model_info"
    /// Gauge `{client}`: messages in the producer's queue (librdkafka `msg_cnt`).
    package static let kafkaProducerQueueMessages = "leadledger_kafka_producer_queue_messages"
    /// Gauge `{client}`: bytes in the producer's queue (librdkafka `msg_size`).
    package static let kafkaProducerQueueBytes = "leadledger_kafka_producer_queue_bytes"
    /// Gauge `{client}`: operations waiting in the client's reply queue (librdkafka `replyq`).
    package static let kafkaReplyQueue = "leadledger_kafka_reply_queue"
    /// Gauge `{client,broker}`: average broker round-trip time in seconds (librdkafka `rtt.avg`).
    package static let kafkaBrokerRTTAverage = "leadledger_kafka_broker_rtt_avg_seconds"
    /// Gauge `{client,broker}`: 99th percentile broker round-trip time in seconds (`rtt.p99`).
    package static let kafkaBrokerRTTP99 = "leadledger_kafka_broker_rtt_p99_seconds"
    /// Gauge `{client,broker}`: requests waiting to be sent to the broker (`outbuf_cnt`).
    package static let kafkaBrokerOutbufRequests = "leadledger_kafka_broker_outbuf_requests"
    /// Gauge `{client,topic,partition}`: messages fetched and waiting in the consumer's queue (`fetchq_cnt`).
    package static let kafkaConsumerFetchQueueMessages = "leadledger_kafka_consumer_fetchq_messages"
    /// Gauge `{client,topic,partition}`: bytes fetched and waiting in the consumer's queue (`fetchq_size`).
    package static let kafkaConsumerFetchQueueBytes = "leadledger_kafka_consumer_fetchq_bytes"
    /// Gauge `{client,topic,partition}`: librdkafka's own consumer lag estimate (`consumer_lag`).
    package static let kafkaConsumerLag = "leadledger_kafka_consumer_lag"
}
