import Kafka
import Logging

/// The canonical log's retention as its topic configuration states it. The log
/// is the system of record: restores, `replay`, `audit verify` and training read
/// it from offset 0, so a log that deletes or compacts records loses them for
/// good. `run` checks it at start (`enforce`).
package struct LogRetention: Sendable, Hashable {
    /// `retention.ms` as reported (nil: not reported).
    package var retentionMilliseconds: String?
    /// `retention.bytes` as reported (nil: not reported).
    package var retentionBytes: String?
    /// `cleanup.policy` as reported (nil: not reported).
    package var cleanupPolicy: String?

    /// Reads the settings from a topic's configs.
    package init(configs: [String: String]) {
        retentionMilliseconds = configs["retention.ms"]
        retentionBytes = configs["retention.bytes"]
        cleanupPolicy = configs["cleanup.policy"]
    }

    /// Why records of the log would be removed (one line), or nil when every
    /// reported setting keeps them forever.
    package var finiteReason: String? {
        var reasons: [String] = []
        if let value = retentionMilliseconds, value.trimmingCharacters(in: .whitespaces) != "-1" {
            reasons.append("retention.ms=\(value)")
        }
        if let value = retentionBytes, value.trimmingCharacters(in: .whitespaces) != "-1" {
            reasons.append("retention.bytes=\(value)")
        }
        if let value = cleanupPolicy, value.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "compact" })
        {
            reasons.append("cleanup.policy=\(value)")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: ", ")
    }

    /// The settings the broker did not report (Tansu reports only those set at creation).
    package var unreported: [String] {
        [("retention.ms", retentionMilliseconds), ("cleanup.policy", cleanupPolicy)].compactMap { $0.1 == nil ? $0.0 : nil }
    }

    /// Reads the canonical log's configuration and refuses a finite retention
    /// unless `allowFinite` (then it warns). Settings the broker does not report
    /// are warned about, not refused.
    /// - Throws: `finiteLogRetention` naming the settings; `topicSetup` when the
    ///   configuration cannot be read.
    package static func enforce(_ configuration: EngineConfiguration, allowFinite: Bool, logger: Logger) async throws(EngineError) {
        let topic = configuration.topics.events
        let configs: [String: String]
        do {
            let admin = try KafkaAdminClient(
                configuration: KafkaAdminConfiguration(bootstrapServers: configuration.brokers, properties: configuration.properties),
                logger: logger)
            do {
                configs = try await admin.describeTopicConfigs(topic)
                await admin.close()
            } catch {
                await admin.close()
                throw error
            }
        } catch {
            throw EngineError(.topicSetup, context: topic, "cannot read the canonical log's configuration: \(error)")
        }
        let retention = LogRetention(configs: configs)
        if let reason = retention.finiteReason {
            guard allowFinite else {
                throw EngineError(
                    .finiteLogRetention, context: topic,
                    "the canonical log removes records (\(reason)); it is the system of record: set retention.ms=-1, retention.bytes=-1 and cleanup.policy=delete, or pass --allow-finite-log-retention"
                )
            }
            logger.warning(
                "the canonical log \(topic) removes records (\(reason)); running anyway (--allow-finite-log-retention): replays and restores past its start will miss events"
            )
        }
        if !retention.unreported.isEmpty {
            logger.warning(
                "the broker does not report \(retention.unreported.joined(separator: " and ")) of the canonical log \(topic); make sure it keeps records forever"
            )
        }
    }
}
