import Kafka
import LeadLedgerCore

/// Headers the validate stage puts on identity-repartition records: where the
/// original inbound message came from and which contract decodes it.
public enum RepartitionHeaders {
    /// The inbound contract (`crm.events`, `web.events`, `email.events`: `InboundTopic`).
    public static let contract = "ll-contract"
    /// The source topic as configured.
    public static let topic = "ll-source-topic"
    /// The source partition (decimal).
    public static let partition = "ll-source-partition"
    /// The source offset (decimal).
    public static let offset = "ll-source-offset"
}

/// Maps configured inbound topic names to their contracts.
public struct InboundTopicMap: Sendable, Hashable {
    let byName: [String: InboundTopic]

    /// The map for `topics`.
    public init(_ topics: TopicNames) {
        byName = [topics.crm: .crm, topics.web: .web, topics.email: .email]
    }

    /// The contract of a topic.
    public func contract(of topic: String) -> InboundTopic? { byName[topic] }
}

/// Resolve, step 1 (stateless, partition-parallel over the inbound topics):
/// validates each message against its contract and rejects events dated beyond
/// the wall clock plus the allowed skew (`FutureTimestampCheck`: this step is
/// the non-deterministic edge before the log). Valid messages go, unchanged
/// and with their source position in headers, to the identity repartition
/// topic (one partition: see `IdentityProcessor`); invalid ones go to the DLQ
/// with the original bytes, source position, error code and reason.
public struct ValidateProcessor: PartitionProcessor {
    public static let snapshotFormat = "route/1"
    public static let isStateful = false

    let topics: TopicNames
    let contracts: InboundTopicMap
    let decoder: InboundDecoder
    let futureCheck: FutureTimestampCheck

    /// Creates the processor.
    public init(topics: TopicNames, decoder: InboundDecoder = InboundDecoder(), futureCheck: FutureTimestampCheck = FutureTimestampCheck())
    {
        self.topics = topics
        self.contracts = InboundTopicMap(topics)
        self.decoder = decoder
        self.futureCheck = futureCheck
    }

    public mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        let source = SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset)
        guard let contract = contracts.contract(of: record.topic) else {
            return [
                deadLetter(record, source: source, error: ContractError(.unsupportedType, "topic \(record.topic) is not an inbound topic"))
            ]
        }
        do {
            let events = try decoder.decode(topic: contract, bytes: record.value)
            let batch = record.value.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
            if let error = futureCheck.violation(in: events, batch: batch) {
                return [deadLetter(record, source: source, error: error)]
            }
        } catch {
            return [deadLetter(record, source: source, error: error)]
        }
        return [
            OutputRecord(
                topic: topics.identity,
                key: record.key,
                value: record.value,
                partition: 0,
                headers: [
                    KafkaHeader(key: RepartitionHeaders.contract, value: contract.rawValue),
                    KafkaHeader(key: RepartitionHeaders.topic, value: record.topic),
                    KafkaHeader(key: RepartitionHeaders.partition, value: String(record.partition)),
                    KafkaHeader(key: RepartitionHeaders.offset, value: String(record.offset)),
                ]
            )
        ]
    }

    func deadLetter(_ record: LogRecord, source: SourcePosition, error: ContractError) -> OutputRecord {
        DeadLetterOutput.rejected(record.value, key: record.key, source: source, error: error, stage: .resolve, topic: topics.dlq)
    }

    public func snapshot() -> [UInt8]? { nil }

    /// A DLQ record referencing the inbound message (`output_too_large`).
    public func replacement(forUnsendable output: OutputRecord, of input: LogRecord, reason: String) -> OutputRecord? {
        let source = SourcePosition(topic: input.topic, partition: input.partition, offset: input.offset)
        return DeadLetterOutput.unsendable(
            output, input: input.value, key: input.key, source: source, stage: .resolve, topic: topics.dlq, reason: reason)
    }
}

/// Creates `ValidateProcessor`s.
public struct ValidateFactory: PartitionProcessorFactory {
    let topics: TopicNames
    let futureCheck: FutureTimestampCheck

    /// Creates the factory.
    public init(topics: TopicNames, futureCheck: FutureTimestampCheck = FutureTimestampCheck()) {
        self.topics = topics
        self.futureCheck = futureCheck
    }

    public func makeProcessor(partition: Int32) -> ValidateProcessor { ValidateProcessor(topics: topics, futureCheck: futureCheck) }

    public func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> ValidateProcessor { makeProcessor(partition: partition) }
}

/// Resolve, step 2 (stateful, over the identity repartition topic): the
/// `IdentityResolver` turns validated inbound messages into canonical events,
/// written to the canonical log keyed by account (else lead).
///
/// Design and limits:
/// - Identity merges can connect any identifiers (CRM record ids, emails,
///   Segment userIds and anonymousIds, across topics). Exact merges need all of
///   them in one state machine, so the repartition topic has ONE partition and
///   one owner at a time: inbound decoding/validation scales with the inbound
///   partitions; resolution is one ordered stream (the core resolver runs at
///   hundreds of thousands of events per second); materialization scales with
///   the log partitions. `partitions.identity` must be 1.
/// - The validate stage may repeat messages after a crash (commit-after-ack). The
///   processor keeps, per source partition, the highest source offset it
///   resolved and skips anything at or below it, so the resolver never sees a
///   message twice. (This relies on each source partition's records reaching
///   the repartition partition in order: one route owner per source partition.)
/// - A crash of this step repeats canonical events byte-identically (the
///   resolver is deterministic over the repartition log); the `Ledger`
///   ignores an event whose source position it applied already.
/// - Snapshot: the resolved-offset marks (count, then per source partition in
///   key order: key length, key bytes, offset; little endian) followed by
///   `IdentityResolver.snapshotBytes()`. Restore falls back to a replay of the
///   repartition topic (kept forever) when there is no usable snapshot.
public struct IdentityProcessor: PartitionProcessor {
    public static var snapshotFormat: String { "identity/1+resolver/\(IdentityResolver.snapshotFormatVersion)" }
    public static let isStateful = true

    let topics: TopicNames
    let decoder: InboundDecoder
    var resolver: IdentityResolver
    /// Highest resolved source offset per "topic/partition".
    var resolvedUpTo: [String: Int64] = [:]
    /// Seals personal fields with subject keys (nil without a master key: plaintext mode).
    let sealer: PersonalDataSealer?

    /// Creates the processor.
    public init(topics: TopicNames, decoder: InboundDecoder = InboundDecoder(), resolver: IdentityResolver = IdentityResolver()) {
        self.init(topics: topics, decoder: decoder, resolver: resolver, sealer: nil)
    }

    /// Creates the processor; with a `sealer`, new lead ids are keyed hashes and
    /// personal fields are sealed (`PersonalDataSealer`).
    package init(topics: TopicNames, decoder: InboundDecoder = InboundDecoder(), resolver: IdentityResolver, sealer: PersonalDataSealer?) {
        self.topics = topics
        self.decoder = decoder
        self.resolver = resolver
        self.sealer = sealer
        if let sealer { self.resolver.leadIDScheme = sealer.keyring.master.leadIDScheme }
    }

    public var usesKeyHooks: Bool { sealer != nil }

    /// New subject keys are acknowledged before a record they sealed is sent.
    public func beforeSending() async throws {
        try await sealer?.keyring.flushPending()
    }

    static func header(_ record: LogRecord, _ name: String) -> String? {
        record.headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }

    public mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        guard let contractName = Self.header(record, RepartitionHeaders.contract),
            let contract = InboundTopic(rawValue: contractName),
            let topic = Self.header(record, RepartitionHeaders.topic),
            let partition = Self.header(record, RepartitionHeaders.partition).flatMap({ Int32($0) }),
            let offset = Self.header(record, RepartitionHeaders.offset).flatMap({ Int64($0) })
        else {
            let source = SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset)
            return [
                DeadLetterOutput.rejected(
                    record.value, key: record.key, source: source,
                    error: ContractError(.schemaViolation, "repartition record without source headers"), stage: .resolve, topic: topics.dlq)
            ]
        }
        let sourceKey = "\(topic)/\(partition)"
        if let done = resolvedUpTo[sourceKey], offset <= done { return [] }  // a repeat of the validate stage
        resolvedUpTo[sourceKey] = offset
        let source = SourcePosition(topic: topic, partition: partition, offset: offset)
        let inbound: [InboundEvent]
        do {
            inbound = try decoder.decode(topic: contract, bytes: record.value)
        } catch {
            // Validated by the validate stage with the same decoder: only a decoder change can get here.
            return [
                DeadLetterOutput.rejected(record.value, key: record.key, source: source, error: error, stage: .resolve, topic: topics.dlq)
            ]
        }
        guard let sealer else {
            return resolver.resolve(inbound, at: source).map { event in
                OutputRecord(topic: topics.events, key: event.key, value: event.encoded)
            }
        }
        return resolver.resolve(inbound, at: source).map { event in
            if let subject = event.leadID {
                switch event.payload {
                case .erasure: sealer.keyring.erase(subject)
                case .identityMerged(let absorbed): sealer.keyring.merged(absorbed, into: subject)
                default: break
                }
            }
            let sealed = sealer.seal(event)
            return OutputRecord(topic: topics.events, key: sealed.key, value: sealed.encoded)
        }
    }

    /// A DLQ record referencing the inbound message the repartition record carries
    /// (its source headers' position; the record's own when they are missing).
    public func replacement(forUnsendable output: OutputRecord, of input: LogRecord, reason: String) -> OutputRecord? {
        let topic = Self.header(input, RepartitionHeaders.topic)
        let partition = Self.header(input, RepartitionHeaders.partition).flatMap { Int32($0) }
        let offset = Self.header(input, RepartitionHeaders.offset).flatMap { Int64($0) }
        let source: SourcePosition
        if let topic, let partition, let offset {
            source = SourcePosition(topic: topic, partition: partition, offset: offset)
        } else {
            source = SourcePosition(topic: input.topic, partition: input.partition, offset: input.offset)
        }
        return DeadLetterOutput.unsendable(
            output, input: input.value, key: input.key, source: source, stage: .resolve, topic: topics.dlq, reason: reason)
    }

    public func snapshot() -> [UInt8]? {
        var bytes = SnapshotBytes.uint64(UInt64(resolvedUpTo.count))
        for (key, offset) in resolvedUpTo.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            bytes += SnapshotBytes.uint64(UInt64(key.utf8.count))
            bytes += Array(key.utf8)
            bytes += SnapshotBytes.uint64(UInt64(bitPattern: offset))
        }
        bytes += resolver.snapshotBytes()
        return bytes
    }

    /// Restores a processor from `snapshot()` bytes.
    public init(topics: TopicNames, snapshot bytes: [UInt8]) throws {
        try self.init(topics: topics, snapshot: bytes, sealer: nil)
    }

    /// Restores a processor from `snapshot()` bytes, sealing with `sealer`.
    package init(topics: TopicNames, snapshot bytes: [UInt8], sealer: PersonalDataSealer?) throws {
        func fail() -> EngineError { EngineError(.snapshotUnreadable, context: "identity", "truncated marks") }
        var index = 0
        func read() throws -> UInt64 {
            guard index + 8 <= bytes.count else { throw fail() }
            defer { index += 8 }
            return SnapshotBytes.readUInt64(bytes, at: index)
        }
        let count = try read()
        guard count <= UInt64(bytes.count) else { throw fail() }
        var marks: [String: Int64] = [:]
        for _ in 0..<count {
            let length = Int(clamping: try read())
            guard index + length <= bytes.count else { throw fail() }
            let key = String(decoding: bytes[index..<(index + length)], as: UTF8.self)
            index += length
            marks[key] = Int64(bitPattern: try read())
        }
        self.init(topics: topics, resolver: try IdentityResolver(snapshot: Array(bytes[index...])), sealer: sealer)
        resolvedUpTo = marks
    }
}

/// Creates `IdentityProcessor`s.
public struct IdentityFactory: PartitionProcessorFactory {
    let topics: TopicNames
    let sealer: PersonalDataSealer?

    /// Creates the factory.
    public init(topics: TopicNames) { self.init(topics: topics, sealer: nil) }

    /// Creates the factory; its processors seal with `sealer` (nil: plaintext mode).
    package init(topics: TopicNames, sealer: PersonalDataSealer?) {
        self.topics = topics
        self.sealer = sealer
    }

    public func makeProcessor(partition: Int32) -> IdentityProcessor {
        IdentityProcessor(topics: topics, resolver: IdentityResolver(), sealer: sealer)
    }

    public func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> IdentityProcessor {
        try IdentityProcessor(topics: topics, snapshot: snapshot, sealer: sealer)
    }
}
