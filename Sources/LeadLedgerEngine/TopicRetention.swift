import Foundation

/// The `retention.ms` LeadLedger gives the topics it creates, per kind of topic
/// (YAML `retention:`). The canonical log and the audit topic are kept forever
/// (the system of record and what auditors replay against) and are not
/// configurable here; the others hold copies of personal data and get finite
/// defaults (SPEC: routing keeps emails under a finite retention; the
/// repartition topic and the DLQ have short ones).
///
/// ```yaml
/// retention: { inbound: 7d, identity: 7d, routing: 30d, dlq: 7d }
/// ```
/// Each value is a duration (`30d`, `36h`, `90m`, `30s`), a number of seconds, or
/// `forever` (also `-1`). Applied when a topic is created only: change an
/// existing topic's `retention.ms` with your Kafka tools.
package struct TopicRetention: Sendable, Hashable {
    /// Inbound topics LeadLedger creates (they belong to the user; default 7 days).
    package var inboundMilliseconds: Int64 = 7 * Self.day
    /// The identity repartition topic (validated inbound messages in plaintext; default 7 days).
    package var identityMilliseconds: Int64 = 7 * Self.day
    /// The routing topic (emails in plaintext for CRM sync; default 30 days).
    package var routingMilliseconds: Int64 = 30 * Self.day
    /// The DLQ (rejected originals byte for byte; default 7 days, as long as inbound
    /// topics keep the originals a reference record points to).
    package var dlqMilliseconds: Int64 = 7 * Self.day

    /// One day in milliseconds.
    package static let day: Int64 = 86_400_000

    /// The defaults.
    package init() {}

    /// A value of the file in milliseconds: a positive duration (`30d`, `36h`,
    /// `90m`, `30s`), a number of seconds, or `forever` (also `-1`, returned as
    /// -1); nil for anything else.
    static func milliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "forever" || trimmed == "-1" { return -1 }
        guard let seconds = EngineConfiguration.durationSeconds(trimmed), seconds > 0, seconds <= Int64.max / 1000 else { return nil }
        return seconds * 1000
    }
}
