import Kafka
import LeadLedgerCore

/// Materialize (stateful, one per partition of the canonical log): applies each
/// canonical event to the `Ledger` projections (lead profiles, accounts, the
/// knowledge graph) strictly in offset order and writes one audit record per
/// applied event.
///
/// Audit record (`leadledger.audit`, key: the lead id, else the account id;
/// header `decision_id`), canonical JSON with sorted keys:
/// `decision_id` (`d-<log partition>-<log offset>-audit`), `event_id`,
/// `event_kind`, `event_time`, `lead_id`, `account_id`, `effects` (the
/// projection changes in order), `lineage` (log partition/offset and the source
/// topic/partition/offset/seq of the triggering inbound message),
/// `state_hash` (FNV-1a chain over the canonical bytes and offsets of every
/// event applied to this partition so far: a fingerprint of the log prefix the
/// state was built from), and `decision` — null until LeadLedgerDecisions'
/// feature/gate/routing step is wired in here; routing records
/// (`leadledger.routing`) come from that step too, so none are written yet.
///
/// A log event whose source position the ledger applied already (a repeat of
/// the resolve stage after a crash) changes nothing and gets no audit record.
/// Undecodable log records go to the DLQ (stage `materialize`).
///
/// Snapshot (`snapshot()`): the state fingerprint (8 bytes, little endian)
/// followed by `Ledger.snapshotBytes()` (versioned, checksummed, a pure function
/// of the logical state). The format string names both versions, so a build
/// with another ledger layout ignores the snapshot and replays instead.
public struct MaterializeProcessor: PartitionProcessor {
    public static var snapshotFormat: String { "materialize/1+ledger/\(Ledger.snapshotFormatVersion)" }
    public static let isStateful = true

    let topics: TopicNames
    let partition: Int32
    var ledger = Ledger()
    var stateHash = StableHash()

    /// Creates the processor for a log partition.
    public init(topics: TopicNames, partition: Int32) {
        self.topics = topics
        self.partition = partition
    }

    /// Read access to the projections (tools and tests).
    public var projections: Ledger { ledger }

    /// The fingerprint of the applied log prefix.
    public var stateFingerprint: String { stateHash.hex }

    public mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        let event: CanonicalEvent
        do {
            event = try CanonicalEvent(bytes: record.value)
        } catch {
            let letter = DeadLetter(original: record.value, originalKey: record.key, source: SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset), error: error, stage: .materialize)
            return [OutputRecord(topic: topics.dlq, key: record.key, value: letter.encoded)]
        }
        let effects = ledger.apply(event)
        if effects.contains(.duplicateIgnored) { return [] }
        stateHash.combine(record.value)
        stateHash.combine(record.offset)
        let decisionID = DecisionID.make(partition: record.partition, offset: record.offset, kind: "audit")
        let key = event.leadID?.description ?? event.accountID?.rawValue ?? "unresolved"
        let value = Self.auditRecord(decisionID: decisionID, event: event, effects: effects, record: record, stateHash: stateHash.hex)
        return [OutputRecord(topic: topics.audit, key: key, value: value, headers: [KafkaHeader(key: OutputHeaders.decisionID, value: decisionID)])]
    }

    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }.map { JSONObject.Member($0.0, $0.1) }))
    }

    static func effectJSON(_ effect: ProjectionEffect) -> JSONValue {
        switch effect {
        case .leadChanged(let lead): return object([("effect", .string("lead_changed")), ("lead_id", .string(lead.description))])
        case .leadMerged(let survivor, let absorbed): return object([("absorbed", .string(absorbed.description)), ("effect", .string("lead_merged")), ("lead_id", .string(survivor.description))])
        case .accountChanged(let account): return object([("account_id", .string(account.rawValue)), ("effect", .string("account_changed"))])
        case .outcomeRecorded(let lead, let kind): return object([("effect", .string("outcome_recorded")), ("lead_id", .string(lead.description)), ("outcome", .string(kind.rawValue))])
        case .overrideChanged(let lead): return object([("effect", .string("override_changed")), ("lead_id", .string(lead.description))])
        case .leadErased(let lead): return object([("effect", .string("lead_erased")), ("lead_id", .string(lead.description))])
        case .duplicateIgnored: return object([("effect", .string("duplicate_ignored"))])
        }
    }

    static func auditRecord(decisionID: String, event: CanonicalEvent, effects: [ProjectionEffect], record: LogRecord, stateHash: String) -> [UInt8] {
        let source = event.lineage.position
        let lineage = object([
            ("log_offset", .number(Double(record.offset))),
            ("log_partition", .number(Double(record.partition))),
            ("log_topic", .string(record.topic)),
            ("source_offset", .number(Double(source.offset))),
            ("source_partition", .number(Double(source.partition))),
            ("source_seq", .number(Double(event.lineage.seq))),
            ("source_topic", .string(source.topic)),
        ])
        return CanonicalJSON.encode(object([
            ("account_id", event.accountID.map { .string($0.rawValue) } ?? .null),
            ("decision", .null),
            ("decision_id", .string(decisionID)),
            ("effects", .array(effects.map(effectJSON))),
            ("event_id", .string(event.eventID)),
            ("event_kind", .string(event.payload.kind)),
            ("event_time", .number(Double(event.eventTime.milliseconds))),
            ("kind", .string("audit")),
            ("lead_id", event.leadID.map { .string($0.description) } ?? .null),
            ("lineage", lineage),
            ("schema_version", .number(1)),
            ("state_hash", .string(stateHash)),
        ]))
    }

    public func snapshot() -> [UInt8]? {
        var bytes = SnapshotBytes.uint64(stateHash.value)
        bytes += ledger.snapshotBytes()
        return bytes
    }

    /// Restores a processor from `snapshot()` bytes.
    public init(topics: TopicNames, partition: Int32, snapshot bytes: [UInt8]) throws {
        guard bytes.count >= 8 else { throw EngineError(.snapshotUnreadable, context: "materialize[\(partition)]", "too short") }
        self.init(topics: topics, partition: partition)
        stateHash = StableHash(value: SnapshotBytes.readUInt64(bytes, at: 0))
        ledger = try Ledger(snapshot: Array(bytes[8...]))
    }
}

/// Little-endian helpers for the engine's snapshot envelopes.
enum SnapshotBytes {
    static func uint64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
    static func readUInt64(_ bytes: [UInt8], at index: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[index + $1]) << (8 * UInt64($1)) }
    }
}

/// Creates `MaterializeProcessor`s.
public struct MaterializeFactory: PartitionProcessorFactory {
    let topics: TopicNames

    /// Creates the factory.
    public init(topics: TopicNames) { self.topics = topics }

    public func makeProcessor(partition: Int32) -> MaterializeProcessor { MaterializeProcessor(topics: topics, partition: partition) }

    public func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> MaterializeProcessor {
        try MaterializeProcessor(topics: topics, partition: partition, snapshot: snapshot)
    }
}
