import Kafka
import LeadLedgerCore
import LeadLedgerDecisions

/// Materialize (stateful, one per partition of the canonical log): applies each
/// canonical event to the `Ledger` projections (lead profiles, accounts, the
/// knowledge graph) strictly in offset order, then runs the decision step
/// (`LeadLedgerDecisions.Decider`: features, qualification gate, routing) and
/// writes its records.
///
/// Outputs per applied event, in the Decider's emission order (docs/decisions.md):
/// its one audit record to `leadledger.audit` (key = the event's Kafka key;
/// schema_version 2: the primary decision plus `further_decisions`) and its
/// routing records (one per route change, key = `lead_id`) to
/// `leadledger.routing`, each with the Kafka header `decision_id` = the record's
/// `decision_id` (`dc_…`, a pure function of log partition, log offset and
/// decision kind: a repeat after a crash carries the same id and bytes).
///
/// The engine's former FNV `state_hash` fingerprint is gone: the Decider's audit
/// record carries its own `state_hash`, and the snapshot below is a complete,
/// deterministic encoding of the state anyway.
///
/// A log event whose source position the ledger applied already (a repeat of
/// the resolve stage after a crash) changes nothing, is not decided and gets no
/// record. The identity stage names on each event the previous event of its
/// source partition it wrote to this log partition (`CanonicalLogHeaders.after`),
/// so the ledger covers ranges (gap-aware de-duplication, `Ledger.apply(_:after:effects:)`):
/// an event re-sent after a failed delivery is applied even when later ones came
/// first, and a range that does not join what is covered is reported as a
/// `source_gap` diagnostic. Undecodable log records go to the DLQ (stage `materialize`).
///
/// Model and rule-set activation (SPEC §10, docs/model-lifecycle.md): a log
/// record with the `ll-control` header is a control event. It is applied to the
/// partition's ``ModelActivation`` and, when it switches the model or the rule
/// set, every later event of the partition is decided by the model and routed by
/// the rule set now in force (loaded through the ``ModelCatalog``). A model
/// switch produces no output; a rule-set switch reassigns, at its position, the
/// open leads whose owner the new rules no longer allow (`reassigned` routing
/// records and one audit record, `MaterializeProcessor+Control.swift`). Until
/// the partition's first activation of each, the configured model decides and
/// the configured routing rules route.
///
/// Snapshot (`snapshot()`, format `materialize/4`): one envelope of the shared
/// snapshot codec (``SnapshotEnvelope``, type ``SnapshotTag/materializeProcessor``,
/// CRC-32) holding the configured model and rule-set versions, the model
/// activation (`ModelActivation.write(to:)`), then `Ledger.snapshotBytes()` and
/// `DecisionState.snapshotBytes()` as length-prefixed sections (each with its
/// own envelope and version). The format string names all versions, so a build
/// with another layout ignores the snapshot and replays instead
/// (``readableSnapshotFormats`` lists the older layouts this build still
/// restores: `materialize/3`, hand-framed with a `StableHash` footer, read by
/// `legacySnapshotParts(_:)`). A snapshot taken before any rule-set activation
/// under other configured routing rules, or before any model activation under
/// another configured model, fails to restore (the engine then replays from
/// offset 0), since its decision state (hysteresis tiers, owner loads) was
/// derived with other rules; after an activation the log names the version, so
/// the configured file no longer matters.
package struct MaterializeProcessor: PartitionProcessor {
    package static var snapshotFormat: String {
        "materialize/\(snapshotVersion)+ledger/\(Ledger.snapshotFormatVersion)+decisions/\(DecisionState.snapshotFormatVersion)"
    }
    /// The current format, and the hand-framed `materialize/3` of the previous
    /// releases, with decision state version 5 or 4 (both of which
    /// `DecisionState(snapshot:)` reads): an upgrade restores from them.
    package static var readableSnapshotFormats: [String] {
        [snapshotFormat]
            + [DecisionState.snapshotFormatVersion, 4].map {
                "materialize/3+ledger/\(Ledger.snapshotFormatVersion)+decisions/\($0)"
            }
    }
    /// The version of the processor's snapshot envelope (the `materialize/N` of the format).
    static let snapshotVersion: UInt32 = 4
    /// What a snapshot holds, before the nested ledger and decision state are decoded.
    typealias SnapshotParts = (model: String, ruleSet: String, activation: ModelActivation, ledger: [UInt8], decisions: [UInt8])
    package static let isStateful = true

    let topics: TopicNames
    let partition: Int32
    /// The configured model (decides until the first activation).
    let configured: Decider
    /// Where activated versions come from (nil: no switching; control events are recorded only).
    let catalog: ModelCatalog?
    /// The model deciding now.
    var decider: Decider
    /// The routing cut-over (`route_from`), if any: an output filter, not state.
    let cutover: RoutingCutover?
    var ledger = Ledger()
    var decisions = DecisionState()
    var activation = ModelActivation()
    /// Gaps noticed since the last `takeDiagnostics()` (not state: never in a snapshot).
    var diagnostics: [ProcessorDiagnostic] = []
    /// Opens the sealed emails of routing records (nil without a master key).
    /// The ledger keeps personal fields sealed: its snapshots hold no plaintext.
    let sealer: PersonalDataSealer?

    /// Creates the processor for a log partition.
    package init(topics: TopicNames, partition: Int32, decider: Decider) {
        self.init(topics: topics, partition: partition, decider: decider, catalog: nil, cutover: nil, sealer: nil)
    }

    /// Creates the processor for a log partition that switches models through `catalog`,
    /// withholds routing records as `cutover` says (nil: routes every event) and, with a
    /// `sealer`, writes routing records with opened emails (`[erased]@<domain>` once the
    /// subject's key is gone). `decider` is set up for the sealer already (the factory does it).
    package init(
        topics: TopicNames, partition: Int32, decider: Decider, catalog: ModelCatalog?, cutover: RoutingCutover?,
        sealer: PersonalDataSealer?
    ) {
        self.topics = topics
        self.partition = partition
        self.configured = decider
        self.catalog = catalog
        self.decider = decider
        self.cutover = cutover
        self.sealer = sealer
    }

    /// A decider set up for personal data as this processor's are: with a sealer,
    /// sealed fields are opened for routing records and audit records carry no emails.
    static func prepared(_ decider: Decider, sealer: PersonalDataSealer?) -> Decider {
        guard let sealer else { return decider }
        var decider = decider
        decider.pseudonymousAudit = true
        decider.openPersonalField = { sealer.open($0) }
        return decider
    }

    /// The decider of the model and rule set the activation has in force: the
    /// configured one while both are the configured versions, else the catalog's,
    /// prepared like the configured one; nil when the catalog cannot load them.
    func activeDecider() -> Decider? {
        let model = activation.current(configured: configured.configuration.modelVersion)
        let rules = activation.currentRuleSet(configured: configured.configuration.rulesetVersion)
        if model == configured.configuration.modelVersion && rules == configured.configuration.rulesetVersion { return configured }
        return catalog?.decider(model: model, ruleSet: rules).map { Self.prepared($0, sealer: sealer) }
    }

    package var usesKeyHooks: Bool { sealer != nil }

    /// Reads the keys topic's new records when a batch names a subject this
    /// process has no key for (a key written by another process's resolve stage);
    /// before a replay (`records` empty), always.
    package func prepare(_ records: [LogRecord]) async throws {
        guard let sealer, let reader = sealer.reader else { return }
        if records.isEmpty || records.contains(where: { sealer.namesUnknownSubject($0.value) }) {
            try await sealer.keyring.refresh(reader: reader)
        }
    }

    /// The model activation of the partition (tools and tests).
    package var modelActivation: ModelActivation { activation }

    /// Read access to the projections (tools and tests).
    package var projections: Ledger { ledger }

    /// Read access to the decision state (tools and tests).
    package var decisionState: DecisionState { decisions }

    package mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        if ControlRecords.isControl(record.headers) { return applyControl(record) }
        if record.value.isEmpty, let marker = LogSkipMarker(headers: record.headers) {
            // An event too large for the log (its input is in the DLQ): its range is covered, nothing is decided.
            let verdict = ledger.cover(topic: marker.topic, partition: marker.partition, mark: marker.mark, after: marker.after)
            noteGaps(verdict, of: SourcePosition(topic: marker.topic, partition: marker.partition, offset: marker.mark.offset), at: record)
            return []
        }
        let event: CanonicalEvent
        do {
            event = try CanonicalEvent(bytes: record.value)
        } catch {
            let source = SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset)
            return [
                DeadLetterOutput.rejected(
                    record.value, key: record.key, source: source, error: error, stage: .materialize, topic: topics.dlq)
            ]
        }
        let after = record.headers.first { $0.key == CanonicalLogHeaders.after }?.value.flatMap {
            LineageMark(header: String(decoding: $0, as: UTF8.self))
        }
        var effects: [ProjectionEffect] = []
        let verdict = ledger.apply(event, after: after, effects: &effects)
        noteGaps(verdict, of: event.lineage.position, at: record)
        if effects.contains(.duplicateIgnored) { return [] }
        if let sealer, case .erasure = event.payload, let subject = event.leadID { sealer.keyring.erasureApplied(subject) }
        // Shadow models decide on a copy of the state before the event (only while there are shadows).
        let beforeEvent: DecisionState? = activation.shadows.isEmpty ? nil : decisions
        var output = decider.decide(
            event: event, effects: effects, ledger: ledger, logPartition: record.partition, logOffset: record.offset, state: &decisions)
        if let cutover { output = cutover.filter(output, eventTime: event.eventTime) }
        var outputs: [OutputRecord] = []
        outputs.reserveCapacity(output.audit.count + output.routing.count)
        for var item in output.audit {
            if let beforeEvent {
                item.value = shadowScored(item.value, event: event, effects: effects, record: record, before: beforeEvent)
            }
            var record = Self.output(item, topic: topics.audit)
            record.observation = .decisions(output.decisionsByTier)
            outputs.append(record)
        }
        for item in output.routing {
            var record = Self.output(item, topic: topics.routing)
            if let change = item.change { record.observation = .routeChange(change) }
            outputs.append(record)
        }
        return outputs
    }

    /// Turns the gaps a ledger verdict names into diagnostics.
    mutating func noteGaps(_ verdict: SourceCoverage<LineageMark>.Verdict, of source: SourcePosition, at record: LogRecord) {
        guard verdict.opened != nil || verdict.abandoned != nil else { return }  // the common case: nothing to say
        let name = "\(source.topic)/\(source.partition)"
        if let gap = verdict.opened {
            diagnostics.append(
                ProcessorDiagnostic(
                    .sourceGap,
                    "SOURCE GAP in log partition \(record.partition) for \(name): events after \(gap.after) through \(gap.through) have not reached this stage; the event at log offset \(record.offset) is applied before them, and they are applied if they arrive later"
                ))
        }
        if let gap = verdict.abandoned {
            diagnostics.append(
                ProcessorDiagnostic(
                    .sourceGapAbandoned,
                    "SOURCE GAP ABANDONED in log partition \(record.partition) for \(name): events after \(gap.after) through \(gap.through) never arrived; they now count as applied"
                ))
        }
    }

    package mutating func takeDiagnostics() -> [ProcessorDiagnostic] {
        defer { diagnostics = [] }
        return diagnostics
    }

    /// The Kafka record of a Decider record: its key and value, and its
    /// `decision_id` as the ``OutputHeaders/decisionID`` header.
    package static func output(_ record: DecisionOutput.Record, topic: String) -> OutputRecord {
        OutputRecord(
            topic: topic, key: record.key, value: record.value,
            headers: [KafkaHeader(key: OutputHeaders.decisionID, value: record.decisionID)])
    }

    /// A DLQ record referencing the log event (`output_too_large`, stage `materialize`).
    package func replacement(forUnsendable output: OutputRecord, of input: LogRecord, reason: String) -> [OutputRecord] {
        let source = SourcePosition(topic: input.topic, partition: input.partition, offset: input.offset)
        return [
            DeadLetterOutput.unsendable(
                output, input: input.value, key: input.key, source: source, stage: .materialize, topic: topics.dlq, reason: reason)
        ]
    }

    package func snapshot() -> [UInt8]? {
        let ledgerBytes = ledger.snapshotBytes()
        let decisionBytes = decisions.snapshotBytes()
        var w = SnapshotEnvelope.begin(
            tag: .materializeProcessor, version: Self.snapshotVersion,
            capacity: ledgerBytes.count + decisionBytes.count + 256 + 512 * activation.history.count)
        w.string(configured.configuration.modelVersion)
        w.string(configured.configuration.rulesetVersion)
        activation.write(to: &w)
        w.byteString(ledgerBytes)
        w.byteString(decisionBytes)
        return SnapshotEnvelope.finish(&w)
    }

    /// The parts of a `snapshot()`.
    static func snapshotParts(_ bytes: [UInt8]) throws(SnapshotError) -> SnapshotParts {
        var r = try SnapshotEnvelope.open(bytes, tag: .materializeProcessor, version: snapshotVersion)
        let model = try r.string("configured model")
        let ruleSet = try r.string("configured rule set")
        let activation = try ModelActivation(reading: &r)
        let ledger = try r.byteString("ledger snapshot")
        let decisions = try r.byteString("decision-state snapshot")
        try r.finish()
        return (model, ruleSet, activation, ledger, decisions)
    }

    /// Restores a processor from `snapshot()` bytes.
    /// - Throws: `snapshotUnreadable` for damaged bytes or a snapshot taken
    ///   with another decision configuration.
    package init(topics: TopicNames, partition: Int32, decider: Decider, snapshot bytes: [UInt8]) throws {
        try self.init(topics: topics, partition: partition, decider: decider, catalog: nil, cutover: nil, sealer: nil, snapshot: bytes)
    }

    /// Restores a processor from `snapshot()` bytes (or from a format-3 snapshot), switching
    /// through `catalog`, with a routing cut-over (the cut-over is not part of the snapshot:
    /// it changes outputs, never state) and a sealer.
    /// - Throws: `EngineError(.snapshotUnreadable)` naming the problem: a checksum
    ///   mismatch, truncated or garbled bytes, another type or version (of the
    ///   snapshot or of a section), or a snapshot taken with another decision configuration.
    package init(
        topics: TopicNames, partition: Int32, decider: Decider, catalog: ModelCatalog?, cutover: RoutingCutover?,
        sealer: PersonalDataSealer?, snapshot bytes: [UInt8]
    ) throws {
        self.init(topics: topics, partition: partition, decider: decider, catalog: catalog, cutover: cutover, sealer: sealer)
        let context = "materialize[\(partition)]"
        let parts: SnapshotParts
        do {
            parts = bytes.starts(with: SnapshotEnvelope.magic) ? try Self.snapshotParts(bytes) : try Self.legacySnapshotParts(bytes)
        } catch {
            throw EngineError(.snapshotUnreadable, context: context, "\(error)")
        }
        let running = configured.configuration
        guard parts.model == running.modelVersion || parts.activation.active != nil,
            parts.ruleSet == running.rulesetVersion || parts.activation.ruleSet.active != nil
        else {
            throw EngineError(
                .snapshotUnreadable, context: context,
                "taken with decision configuration \(parts.model)/\(parts.ruleSet), running \(running.modelVersion)/\(running.rulesetVersion)"
            )
        }
        activation = parts.activation
        guard let activeDecider = activeDecider() else {
            let model = activation.current(configured: running.modelVersion)
            let rules = activation.currentRuleSet(configured: running.rulesetVersion)
            throw EngineError(
                .snapshotUnreadable, context: context, "taken under model \(model) with rule set \(rules), which cannot be loaded here")
        }
        self.decider = activeDecider
        do {
            ledger = try Ledger(snapshot: parts.ledger)
            decisions = try DecisionState(snapshot: parts.decisions)
        } catch {
            throw EngineError(.snapshotUnreadable, context: context, "\(error)")
        }
    }
}
