import Kafka
import LeadLedgerCore

/// Resolve, step 2 (stateful, over the identity repartition topic): the
/// `IdentityResolver` turns validated inbound messages into canonical events,
/// written to the canonical log keyed by account (else lead).
///
/// Design and limits:
/// - Input: each repartition record is read by ``RepartitionInput``: the binary
///   ``RepartitionRecord`` the validate stage writes (the events it decoded and
///   the source position: nothing is parsed again), or a record of the previous
///   format (the inbound JSON, decoded here, with the source position in
///   `RepartitionHeaders`), which an upgraded deployment finds on the topic. Both
///   resolve to the same canonical events, byte for byte.
/// - Identity merges can connect any identifiers (CRM record ids, emails,
///   Segment userIds and anonymousIds, across topics). Exact merges need all of
///   them in one state machine, so the repartition topic has ONE partition and
///   one owner at a time: inbound decoding/validation scales with the inbound
///   partitions; resolution is one ordered stream (the core resolver runs at
///   hundreds of thousands of events per second); materialization scales with
///   the log partitions. `partitions.identity` must be 1.
/// - The validate stage may repeat messages after a crash (commit-after-ack), and
///   after a failed delivery its re-sent older records can arrive after newer
///   ones. The processor keeps, per source partition, which source offsets it
///   has covered (`RepartitionCoverage`: a contiguous prefix plus the ranges seen
///   out of order; skip markers and `coversFrom` account for offsets that were
///   not forwarded). It skips a record it covered already, so the resolver never
///   sees a message twice, and applies one it has not, even below the highest
///   offset seen. A record that does not join what was covered reports a
///   `source_gap` diagnostic.
/// - A crash of this step repeats canonical events byte-identically (the
///   resolver is deterministic over the repartition log).
/// - Each canonical event goes to the log partition its key hashes to (set
///   explicitly: the partitioner's own choice) and names, in
///   `CanonicalLogHeaders.after`, the previous event of its source partition
///   written to that log partition (`LogTrail`). The `Ledger` covers those
///   ranges per source partition, so after a failed delivery to the log it
///   applies a re-sent event it has not applied, even below the highest one
///   seen, ignores one it has, and reports a real gap (`source_gap`).
/// - Snapshot (format `identity/4`): one envelope of the shared snapshot codec
///   (``SnapshotEnvelope``, type ``SnapshotTag/identityProcessor``, CRC-32)
///   holding the coverage (`RepartitionCoverage.write(to:)`), the log trail
///   (`LogTrail.write(to:)`), then `IdentityResolver.snapshotBytes()` as a
///   length-prefixed section (the resolver's own envelope and version). The
///   previous release's format `identity/3` (hand-framed 64-bit words, no
///   checksum of its own) is still restored, so an upgrade does not replay;
///   formats `identity/1` and `identity/2` are ignored, with the format named
///   in the log: the partition is replayed. Restore falls back to a replay of
///   the repartition topic when there is no usable snapshot.
package struct IdentityProcessor: PartitionProcessor {
    package static var snapshotFormat: String { "identity/\(snapshotVersion)+resolver/\(IdentityResolver.snapshotFormatVersion)" }
    /// The current format, and the previous release's (`identity/3`, read by
    /// `legacySnapshotParts(_:)`): an upgrade restores from it.
    package static var readableSnapshotFormats: [String] {
        [snapshotFormat, "identity/3+resolver/\(IdentityResolver.snapshotFormatVersion)"]
    }
    /// The version of the processor's snapshot envelope (the `identity/N` of the format).
    static let snapshotVersion: UInt32 = 4
    package static let isStateful = true

    let topics: TopicNames
    let decoder: InboundDecoder
    var resolver: IdentityResolver
    /// The source offsets covered per "topic/partition".
    var coverage = RepartitionCoverage()
    /// The latest event written per log partition and source partition.
    var trail = LogTrail()
    /// The canonical log's partition count: a control event is written to each.
    var logPartitions: Int32 = 1
    /// Seals personal fields with subject keys (nil without a master key: plaintext mode).
    let sealer: PersonalDataSealer?

    /// Creates the processor.
    package init(topics: TopicNames, decoder: InboundDecoder = InboundDecoder(), resolver: IdentityResolver = IdentityResolver()) {
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

    package var usesKeyHooks: Bool { sealer != nil }

    /// New subject keys are acknowledged before a record they sealed is sent.
    package func beforeSending() async throws {
        try await sealer?.keyring.flushPending()
    }

    package mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        let input: RepartitionInput
        do {
            input = try RepartitionInput(record)
        } catch {
            let own = SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset)
            return [DeadLetterOutput.rejected(record.value, key: record.key, source: own, error: error, stage: .resolve, topic: topics.dlq)]
        }
        let source = input.source
        // A repeat of the validate stage, or a skip marker (nothing to resolve).
        guard coverage.accept(source: "\(source.topic)/\(source.partition)", offset: source.offset, coversFrom: input.coversFrom) else {
            return []
        }
        let inbound: [InboundEvent]
        switch input.content {
        case .skipped: return []
        case .record(.control(let event)): return ControlRecords.logRecords(event, topic: topics.events, partitions: logPartitions)
        case .record(.inbound(_, let events)): inbound = events
        case .control: return applyControl(record, source: source)
        case .message(let contract, let bytes):
            do {
                inbound = try decoder.decode(topic: contract, bytes: bytes)
            } catch {
                // Validated by the validate stage with the same decoder: only a decoder change can get here.
                return [
                    DeadLetterOutput.rejected(bytes, key: record.key, source: source, error: error, stage: .resolve, topic: topics.dlq)
                ]
            }
        }
        let events = resolver.resolve(inbound, at: source)
        guard let sealer else {
            return events.map { logRecord($0) }
        }
        return events.map { event in
            if let subject = event.leadID {
                switch event.payload {
                case .erasure: sealer.keyring.erase(subject)
                case .identityMerged(let absorbed): sealer.keyring.merged(absorbed, into: subject)
                default: break
                }
            }
            return logRecord(sealer.seal(event))
        }
    }

    /// The canonical-log record of `event`: written to the partition its key
    /// hashes to (as the producer's partitioner would choose, set explicitly so
    /// the trail is right by construction), headed by the mark of the previous
    /// event of its source partition written there (`CanonicalLogHeaders.after`).
    mutating func logRecord(_ event: CanonicalEvent) -> OutputRecord {
        let key = Array(event.key.utf8)
        let partition = KafkaPartitioner.consistent(key: key, partitions: logPartitions)
        let position = event.lineage.position
        let after = trail.write(
            partition: partition, source: "\(position.topic)/\(position.partition)", mark: LineageMark(event.lineage))
        return OutputRecord(
            topic: topics.events, key: key, value: event.encoded, partition: partition,
            headers: [KafkaHeader(key: CanonicalLogHeaders.after, value: after.description)])
    }

    /// A DLQ record referencing the inbound message of the repartition record (its
    /// source position; the record's own when it has none). What it describes of the
    /// original is the repartition record's value: the inbound JSON for a record of
    /// the previous format, the binary form (``RepartitionRecord``) for a current one,
    /// whose inbound message is found at the source position. When the refused
    /// output is a canonical event, a skip marker (``LogSkipMarker``) takes its place
    /// in the log partition, so the materialize stage covers the event's range
    /// instead of reporting a `source_gap` for it.
    package func replacement(forUnsendable output: OutputRecord, of input: LogRecord, reason: String) -> [OutputRecord] {
        let source =
            (try? RepartitionInput(input))?.source ?? SourcePosition(topic: input.topic, partition: input.partition, offset: input.offset)
        let deadLetter = DeadLetterOutput.unsendable(
            output, input: input.value, key: input.key, source: source, stage: .resolve, topic: topics.dlq, reason: reason)
        guard output.topic == topics.events, !ControlRecords.isControl(output.headers),
            let event = try? CanonicalEvent(bytes: output.value)
        else { return [deadLetter] }
        return [deadLetter, LogSkipMarker.record(replacing: output, lineage: event.lineage)]
    }

    package mutating func takeDiagnostics() -> [ProcessorDiagnostic] { coverage.takeDiagnostics() }

    package func snapshot() -> [UInt8]? {
        let resolverBytes = resolver.snapshotBytes()
        var w = SnapshotEnvelope.begin(
            tag: .identityProcessor, version: Self.snapshotVersion,
            capacity: resolverBytes.count + 64 * (coverage.sources.count + trail.latest.count + 1))
        coverage.write(to: &w)
        trail.write(to: &w)
        w.byteString(resolverBytes)
        return SnapshotEnvelope.finish(&w)
    }

    /// Restores a processor from `snapshot()` bytes.
    package init(topics: TopicNames, snapshot bytes: [UInt8]) throws {
        try self.init(topics: topics, snapshot: bytes, sealer: nil)
    }

    /// Restores a processor from `snapshot()` bytes (or from a format-3 snapshot), sealing with `sealer`.
    /// - Throws: `EngineError(.snapshotUnreadable)` naming the problem (``SnapshotError``:
    ///   a checksum mismatch, truncated or garbled bytes, another type or version).
    package init(topics: TopicNames, snapshot bytes: [UInt8], sealer: PersonalDataSealer?) throws {
        let coverage: RepartitionCoverage
        let trail: LogTrail
        let restored: IdentityResolver
        do throws(SnapshotError) {
            let resolverBytes: [UInt8]
            if bytes.starts(with: SnapshotEnvelope.magic) {
                var r = try SnapshotEnvelope.open(bytes, tag: .identityProcessor, version: Self.snapshotVersion)
                coverage = try RepartitionCoverage(reading: &r)
                trail = try LogTrail(reading: &r)
                resolverBytes = try r.byteString("resolver snapshot")
                try r.finish()
            } else {
                let parts = try Self.legacySnapshotParts(bytes)
                coverage = parts.0
                trail = parts.1
                resolverBytes = parts.2
            }
            restored = try IdentityResolver(snapshot: resolverBytes)
        } catch {
            throw EngineError(.snapshotUnreadable, context: "identity", error.description)
        }
        self.init(topics: topics, resolver: restored, sealer: sealer)
        self.coverage = coverage
        self.trail = trail
    }
}
