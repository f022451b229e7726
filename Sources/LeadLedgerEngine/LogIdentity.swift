import LeadLedgerCore

/// Which incarnation of the canonical log a state directory's snapshots were
/// derived from: the log topic's name and, per partition, a fingerprint of the
/// record at offset 0.
///
/// The development broker reports no topic ids (and loses every topic when it
/// restarts), so the identity is taken from the log's content: a recreated
/// topic's first record differs at least in its Kafka timestamp (the identity
/// stage leaves timestamps to the producer), and a log from another cluster or
/// configuration differs in its name or its records. A partition that was empty
/// when the identity was taken has no fingerprint yet; it is bound later.
///
/// Stored as `log-identity.json` in the state directory
/// (``StateDirectoryBinding``), canonical JSON:
/// `{"first_records":{"0":"fnv1a64:…",…},"schema_version":1,"topic":"leadledger.events"}`.
package struct LogIdentity: Sendable, Hashable {
    /// The canonical log's topic.
    package var topic: String
    /// The fingerprint of each partition's record at offset 0 (partitions that had none are absent).
    package var firstRecords: [Int32: String]

    /// Creates an identity.
    package init(topic: String, firstRecords: [Int32: String] = [:]) {
        self.topic = topic
        self.firstRecords = firstRecords
    }

    /// The fingerprint of a log record: an FNV-1a 64 over its offset, Kafka
    /// timestamp, key and value (lengths included, so fields cannot shift into
    /// each other).
    package static func fingerprint(_ record: LogRecord) -> String {
        var hash = StableHash()
        hash.combine(record.offset)
        hash.combine(record.timestampMilliseconds ?? -1)
        hash.combine(Int64(record.key?.count ?? -1))
        hash.combine(record.key ?? [])
        hash.combine(Int64(record.value.count))
        hash.combine(record.value)
        return "fnv1a64:" + hash.hex
    }

    /// What a state directory bound to `stored` may do with the log whose
    /// current identity is `self`.
    package enum Verdict: Sendable, Hashable {
        /// No stored identity to compare and no snapshots to lose: record the current identity.
        case fresh
        /// The same log: keep the snapshots; `bound` is the stored identity with
        /// the partitions that have gained a first record since added.
        case same(bound: LogIdentity)
        /// Snapshots of another log, or of no known log: discard them (`reason` says why).
        case foreign(reason: String)
    }

    /// Compares the stored identity of a state directory (nil: none recorded)
    /// with this, the log's current identity; `hasSnapshots` says whether the
    /// directory holds snapshots. `empty` lists the partitions that hold no record now.
    package func judge(stored: LogIdentity?, hasSnapshots: Bool, empty: Set<Int32>) -> Verdict {
        guard let stored else {
            return hasSnapshots ? .foreign(reason: "it records no identity of the log its snapshots came from") : .fresh
        }
        if stored.firstRecords.isEmpty, hasSnapshots {
            return .foreign(
                reason: "its log identity was recorded while the log was empty and never completed, so its snapshots' log is unknown")
        }
        guard stored.topic == topic else {
            return .foreign(reason: "its snapshots came from log topic \(stored.topic), this configuration's log is \(topic)")
        }
        for partition in stored.firstRecords.keys.sorted() {
            guard let expected = stored.firstRecords[partition] else { continue }
            if empty.contains(partition) {
                return .foreign(
                    reason:
                        "its snapshots came from a log whose \(topic)[\(partition)] starts with record \(expected), but \(topic)[\(partition)] is empty now (recreated topic or another broker)"
                )
            }
            if let actual = firstRecords[partition], actual != expected {
                return .foreign(
                    reason:
                        "its snapshots came from a log whose \(topic)[\(partition)] starts with record \(expected), but that partition now starts with \(actual) (recreated topic or another broker)"
                )
            }
        }
        var bound = stored
        for (partition, fingerprint) in firstRecords where bound.firstRecords[partition] == nil {
            bound.firstRecords[partition] = fingerprint
        }
        return .same(bound: bound)
    }

    /// The identity's bytes (canonical JSON).
    package var bytes: [UInt8] {
        var records = JSONObject()
        for partition in firstRecords.keys.sorted() {
            if let fingerprint = firstRecords[partition] { records.members.append(.init(String(partition), .string(fingerprint))) }
        }
        return CanonicalJSON.encode(
            .object(["first_records": .object(records), "schema_version": .int(Self.schemaVersion), "topic": .string(topic)]))
    }

    /// The version of the stored form.
    package static let schemaVersion = 1

    /// Reads an identity from ``bytes``.
    /// - Throws: `ContractError` (schema_violation with the field) for anything else.
    package init(bytes: [UInt8]) throws(ContractError) {
        let fields = try Fields(try JSONParser.parse(bytes), path: "$")
        guard try fields.nonNegativeInteger("schema_version") == Self.schemaVersion else {
            throw fields.violation("schema_version", "must be \(Self.schemaVersion)")
        }
        let topic = try fields.requiredString("topic", nonEmpty: true)
        var firstRecords: [Int32: String] = [:]
        if let records = try fields.object("first_records") {
            for member in records.obj.members {
                guard let partition = Int32(member.key), partition >= 0 else {
                    throw records.violation(member.key, "is not a partition number")
                }
                guard case .string(let fingerprint) = member.value else { throw records.violation(member.key, "must be a string") }
                firstRecords[partition] = fingerprint
            }
        }
        self.init(topic: topic, firstRecords: firstRecords)
    }
}
