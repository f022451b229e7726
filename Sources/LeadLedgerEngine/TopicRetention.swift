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
public struct TopicRetention: Sendable, Hashable, Codable {
    /// Inbound topics LeadLedger creates (they belong to the user; default 7 days).
    public var inboundMilliseconds: Int64 = 7 * Self.day
    /// The identity repartition topic (validated inbound messages in plaintext; default 7 days).
    public var identityMilliseconds: Int64 = 7 * Self.day
    /// The routing topic (emails in plaintext for CRM sync; default 30 days).
    public var routingMilliseconds: Int64 = 30 * Self.day
    /// The DLQ (rejected originals byte for byte; default 7 days, as long as inbound
    /// topics keep the originals a reference record points to).
    public var dlqMilliseconds: Int64 = 7 * Self.day

    /// One day in milliseconds.
    public static let day: Int64 = 86_400_000

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case inboundMilliseconds = "inbound"
        case identityMilliseconds = "identity"
        case routingMilliseconds = "routing"
        case dlqMilliseconds = "dlq"
    }

    public init(from decoder: Decoder) throws {
        try StrictKeys.check(decoder, knownKeys: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TopicRetention()
        inboundMilliseconds = try Self.decode(c, .inboundMilliseconds) ?? d.inboundMilliseconds
        identityMilliseconds = try Self.decode(c, .identityMilliseconds) ?? d.identityMilliseconds
        routingMilliseconds = try Self.decode(c, .routingMilliseconds) ?? d.routingMilliseconds
        dlqMilliseconds = try Self.decode(c, .dlqMilliseconds) ?? d.dlqMilliseconds
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in [
            (CodingKeys.inboundMilliseconds, inboundMilliseconds), (.identityMilliseconds, identityMilliseconds),
            (.routingMilliseconds, routingMilliseconds), (.dlqMilliseconds, dlqMilliseconds),
        ] {
            try c.encode(Self.text(value), forKey: key)
        }
    }

    /// A value in the file's form: `forever`, or whole seconds with `s`.
    static func text(_ milliseconds: Int64) -> String { milliseconds < 0 ? "forever" : "\(milliseconds / 1000)s" }

    /// Reads one value: a duration, seconds, `forever` or `-1`; nil when absent.
    /// - Throws: `EngineError(.invalidConfiguration)` naming `retention.<key>` for anything else.
    static func decode(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int64? {
        let text: String
        if let number = try? c.decodeIfPresent(Int64.self, forKey: key) {
            text = String(number)
        } else if let string = try? c.decodeIfPresent(String.self, forKey: key) {
            text = string
        } else if c.contains(key) {
            text = "?"
        } else {
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "forever" || trimmed == "-1" { return -1 }
        guard let seconds = EngineConfiguration.durationSeconds(trimmed), seconds > 0, seconds <= Int64.max / 1000 else {
            throw EngineError(
                .invalidConfiguration, context: "retention.\(key.rawValue)",
                "'\(text)' is not a retention (a positive duration such as 30d, 36h, 90m, 30s, or forever)")
        }
        return seconds * 1000
    }
}
