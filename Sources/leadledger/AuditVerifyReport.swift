import LeadLedgerEngine

/// What `leadledger audit verify --format json` prints (schemas/cli/audit-verify.schema.json).
struct AuditVerifyReport: Encodable {
    /// One difference between a re-derived record and the topic.
    struct Difference: Encodable {
        /// `MISSING`, `DIFFERS`, `UNEXPECTED`, `EXPIRED` (and any later kind), upper case as in the text report.
        var kind: String
        var topic: String
        var decisionID: String
        var logPartition: Int32
        var logOffset: Int64
        /// `topic[partition]@offset` of the record compared; null when there is none.
        var record: String?
        /// Whether it fails verification (not encoded: `ok` says it).
        var failsVerification: Bool

        init(_ difference: AuditDifference, topic: String) {
            kind = difference.kind.rawValue.uppercased()
            failsVerification = difference.kind.failsVerification
            self.topic = topic
            decisionID = difference.decisionID
            logPartition = difference.logPartition
            logOffset = difference.logOffset
            record = difference.auditPosition
        }

        enum CodingKeys: String, CodingKey {
            case kind, topic, record
            case decisionID = "decision_id"
            case logPartition = "log_partition"
            case logOffset = "log_offset"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(topic, forKey: .topic)
            try container.encode(decisionID, forKey: .decisionID)
            try container.encode(logPartition, forKey: .logPartition)
            try container.encode(logOffset, forKey: .logOffset)
            try container.encode(record, forKey: .record)
        }
    }

    /// A re-derived canonical-log range: offsets `from..<to` of a partition.
    struct Range: Encodable {
        var partition: Int32
        var from: Int64
        var to: Int64
    }

    var differences: [Difference]
    var auditRecords: Int
    var routingRecords: Int
    var ranges: [Range]

    enum CodingKeys: String, CodingKey {
        case ok, differences, ranges
        case auditRecords = "audit_records"
        case routingRecords = "routing_records"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(!differences.contains { $0.failsVerification }, forKey: .ok)
        try container.encode(differences, forKey: .differences)
        try container.encode(auditRecords, forKey: .auditRecords)
        try container.encode(routingRecords, forKey: .routingRecords)
        try container.encode(ranges, forKey: .ranges)
    }
}
