import Kafka
import LeadLedgerCore
import Logging
import Metrics
import Synchronization

/// Turns librdkafka's statistics documents into `leadledger_kafka_*` gauges. One
/// recorder serves every client of a process (the documents name their client);
/// it runs on the clients' poll threads, every `statistics.interval.ms`.
package final class KafkaStatisticsRecorder: Sendable {
    /// The default `statistics.interval.ms` of `run`'s clients.
    package static let defaultInterval = "5000"

    private let gauges = Mutex<[String: Gauge]>([:])
    private let logger: Logger

    /// Creates a recorder; a document that cannot be read is logged at debug level.
    package init(logger: Logger) {
        self.logger = logger
    }

    /// The handler to put into a client's settings.
    package var handler: KafkaStatisticsHandler {
        { [self] bytes in record(bytes) }
    }

    /// `properties` with `statistics.interval.ms` set to the default unless given.
    package static func enabling(_ properties: [String: String]) -> [String: String] {
        var properties = properties
        if properties["statistics.interval.ms"] == nil { properties["statistics.interval.ms"] = defaultInterval }
        return properties
    }

    /// Parses one document and records its gauges.
    package func record(_ bytes: [UInt8]) {
        let statistics: KafkaStatistics
        do {
            statistics = try KafkaStatistics(json: bytes)
        } catch {
            logger.debug("librdkafka statistics unreadable: \(error)")
            return
        }
        record(statistics)
    }

    /// Records the gauges of `statistics`.
    package func record(_ statistics: KafkaStatistics) {
        let client = statistics.clientID
        if statistics.type == "producer" {
            gauge(MetricNames.kafkaProducerQueueMessages, [("client", client)]).record(statistics.messageCount)
            gauge(MetricNames.kafkaProducerQueueBytes, [("client", client)]).record(statistics.messageBytes)
        }
        gauge(MetricNames.kafkaReplyQueue, [("client", client)]).record(statistics.replyQueue)
        for broker in statistics.brokers where broker.nodeID >= 0 {
            let labels = [("client", client), ("broker", broker.name)]
            gauge(MetricNames.kafkaBrokerRTTAverage, labels).record(broker.rttAverageMicroseconds / 1_000_000)
            gauge(MetricNames.kafkaBrokerRTTP99, labels).record(broker.rttP99Microseconds / 1_000_000)
            gauge(MetricNames.kafkaBrokerOutbufRequests, labels).record(broker.outbufRequests)
        }
        guard statistics.type == "consumer" else { return }
        for partition in statistics.partitions where partition.fetchState != "none" {
            let labels = [("client", client), ("topic", partition.topic), ("partition", String(partition.partition))]
            gauge(MetricNames.kafkaConsumerFetchQueueMessages, labels).record(partition.fetchQueueMessages)
            gauge(MetricNames.kafkaConsumerFetchQueueBytes, labels).record(partition.fetchQueueBytes)
            if partition.consumerLag >= 0 { gauge(MetricNames.kafkaConsumerLag, labels).record(partition.consumerLag) }
        }
    }

    /// The gauge of a name and labels, created on first use.
    private func gauge(_ name: String, _ labels: [(String, String)]) -> Gauge {
        var key = name
        for (label, value) in labels {
            key += "\u{1F}" + label + "=" + value
        }
        return gauges.withLock { gauges in
            if let existing = gauges[key] { return existing }
            let created = Gauge(label: name, dimensions: labels)
            gauges[key] = created
            return created
        }
    }
}
