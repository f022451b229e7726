import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import TestSupport
import Testing

/// The model registry's pieces and model activation on the log, without a broker:
/// control events, activation rules, manifests and chunks, and the materialize
/// stage switching models at a log position (replay and snapshots included).
@Suite("Model lifecycle")
struct ModelLifecycleTests {
    static let when = EventTime.parseRFC3339("2026-12-01T10:00:00Z")!

    static func event(_ kind: ControlEvent.Kind, _ version: String?, id: String = "e1") -> ControlEvent {
        ControlEvent(eventID: id, kind: kind, version: version, actor: "ana", reason: "test", occurredAt: when)
    }

    /// `activation` as its section of a materialize snapshot writes it (in an envelope of its own).
    static func encoded(_ activation: ModelActivation) -> [UInt8] {
        var w = SnapshotEnvelope.begin(tag: .materializeProcessor, version: 0, capacity: 0)
        activation.write(to: &w)
        return SnapshotEnvelope.finish(&w)
    }

    /// Reads what ``encoded(_:)`` wrote.
    static func decoded(_ bytes: [UInt8]) throws -> ModelActivation {
        var reader = try SnapshotEnvelope.open(bytes, tag: .materializeProcessor, version: 0)
        let activation = try ModelActivation(reading: &reader)
        try reader.finish()
        return activation
    }

    @Test func controlEventsDecodeAndRejectWithCodes() async throws {
        let good =
            #"{"event_id":"e1","type":"model.promote","version":"0123456789abcdef","actor":"ana","reason":"r","occurred_at":"2026-12-01T10:00:00Z"}"#
        let event = try ControlEvent(bytes: Array(good.utf8))
        #expect(event.kind == .modelPromote && event.version == "0123456789abcdef" && event.actor == "ana")
        #expect(try ControlEvent(bytes: event.encoded) == event)
        let rollback = #"{"event_id":"e2","type":"model.rollback","actor":"ana","reason":"r","occurred_at":"2026-12-01T10:00:00Z"}"#
        #expect(try ControlEvent(bytes: Array(rollback.utf8)).version == nil)

        func code(_ text: String) -> ContractError.Code? {
            let result = Result { () throws(ContractError) -> ControlEvent in try ControlEvent(bytes: Array(text.utf8)) }
            guard case .failure(let error) = result else { return nil }
            return error.code
        }
        #expect(code("{") == .malformedJSON)
        #expect(code(good.replacing("model.promote", with: "model.delete")) == .unsupportedType)
        #expect(code(good.replacing("0123456789abcdef", with: "0123456789ABCDEF")) == .schemaViolation)
        #expect(code(good.replacing(#""actor":"ana","#, with: "")) == .schemaViolation)
        #expect(code(good.replacing(#""actor":"ana""#, with: #""actor":"""#)) == .schemaViolation)
        #expect(code(good.replacing("2026-12-01T10:00:00Z", with: "yesterday")) == .invalidTimestamp)
        #expect(code(good.replacing(#""actor""#, with: #""extra":1,"actor""#)) == .schemaViolation)
        #expect(code(rollback.replacing(#""actor""#, with: #""version":"0123456789abcdef","actor""#)) == .schemaViolation)
        #expect(code(good.replacing(#""version":"0123456789abcdef","#, with: "")) == .schemaViolation)

        // The JSON Schema agrees with the decoder on these cases (rule-set events included).
        let directory = try makeTemporaryDirectory("control-schema")
        let rulesPromote = good.replacing("model.promote", with: "ruleset.promote")
        let rulesRollback = rollback.replacing("model.rollback", with: "ruleset.rollback")
        #expect(try ControlEvent(bytes: Array(rulesPromote.utf8)).kind == .rulesetPromote)
        #expect(
            try await schemaViolations(
                [event.encoded, Array(rollback.utf8), Array(rulesPromote.utf8), Array(rulesRollback.utf8)], schema: "leadledger.control",
                directory: directory) == "")
        let versionedRollback = rollback.replacing(#""actor""#, with: #""version":"0123456789abcdef","actor""#)
        #expect(try await schemaViolations([Array(versionedRollback.utf8)], schema: "leadledger.control", directory: directory) != "")
        #expect(
            try await schemaViolations(
                [Array(good.replacing("model.promote", with: "model.delete").utf8)], schema: "leadledger.control", directory: directory)
                != "")
    }

    @Test func activationPromotesRollsBackAndShadows() throws {
        let a = "aaaaaaaaaaaaaaaa"
        let b = "bbbbbbbbbbbbbbbb"
        let c = "cccccccccccccccc"
        let r = "1111111111111111"
        var activation = ModelActivation()
        let known: (String) -> Bool = { $0 != "dddddddddddddddd" }
        #expect(activation.current(configured: a) == a)
        #expect(
            activation.apply(
                Self.event(.modelPromote, a), at: 1, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .unchanged)
        #expect(activation.active == a && activation.previous.isEmpty)
        #expect(
            activation.apply(
                Self.event(.modelPromote, b), at: 2, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .switched)
        #expect(
            activation.apply(
                Self.event(.modelPromote, c), at: 3, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .switched)
        #expect(
            activation.apply(
                Self.event(.modelPromote, "dddddddddddddddd"), at: 4, configured: a, configuredRuleSet: r, isAvailable: known,
                isRuleSetAvailable: known) == .unavailable)
        #expect(activation.current(configured: a) == c)
        #expect(
            activation.apply(
                Self.event(.modelRollback, nil), at: 5, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .switched)
        #expect(activation.current(configured: a) == b)
        #expect(
            activation.apply(
                Self.event(.modelRollback, nil), at: 6, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .switched)
        #expect(activation.current(configured: a) == a)
        #expect(
            activation.apply(
                Self.event(.modelRollback, nil), at: 7, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .refused)
        #expect(
            activation.apply(
                Self.event(.modelShadow, c), at: 8, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .shadowed)
        #expect(
            activation.apply(
                Self.event(.modelShadow, b), at: 9, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .shadowed)
        #expect(
            activation.apply(
                Self.event(.modelShadow, b), at: 10, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .unchanged)
        #expect(activation.shadows == [b, c])
        #expect(
            activation.apply(
                Self.event(.modelUnshadow, c), at: 11, configured: a, configuredRuleSet: r, isAvailable: known, isRuleSetAvailable: known)
                == .unshadowed)
        #expect(activation.shadows == [b])
        #expect(activation.history.map(\.logOffset) == Array(1...11))
        #expect(activation.history[1].from == a && activation.history[1].to == b)
        let restored = try Self.decoded(Self.encoded(activation))
        #expect(restored == activation)
        #expect(Self.encoded(restored) == Self.encoded(activation))
    }

    static func ensembleBundle() throws -> ModelBundle {
        try ModelBundle.load(scoringFile: repoRoot.appendingPathComponent("config/ensemble/scoring.yaml"))
    }

    static func configuration(_ bundle: ModelBundle) throws -> DecisionConfiguration {
        try bundle.configuration(
            routingYAML: try Data(contentsOf: URL(fileURLWithPath: defaultRoutingFile)), routingSource: defaultRoutingFile,
            auditRecordLimit: DecisionConfiguration.defaultAuditRecordLimit, auditSchema: .v3,
            routingSchema: .v2)
    }

    @Test func manifestsAndChunksReadBackAndMismatchesAreRefused() async throws {
        let bundle = try Self.ensembleBundle()
        let decisions = try Self.configuration(bundle)
        #expect(decisions.modelVersion != defaultDecisions.modelVersion)
        let registry = ModelRegistry(topic: "leadledger.models", chunkBytes: 1000)
        let manifest = ModelManifest(
            bundle: bundle, configuration: decisions, chunkBytes: registry.chunkBytes, training: .object(["log_end": .int(42)]),
            metrics: .object(["auc": .number(0.81)]), baselines: nil, createdAt: Self.when.rfc3339, createdBy: "test")
        #expect(manifest.features.count == decisions.extractor.definitions.count)
        #expect(manifest.features.first { $0.name == "free_mail" }?.direction == "negative")
        #expect(try ModelManifest(bytes: manifest.encoded, context: "t") == manifest)
        #expect(
            try await schemaViolations(
                [manifest.encoded], schema: "leadledger.models", directory: try makeTemporaryDirectory("models-schema"))
                == "")
        let messages = registry.records(manifest, bundle)
        #expect(messages.count == manifest.artifacts.map(\.chunks).reduce(0, +) + 1)
        #expect(manifest.artifacts.contains { $0.chunks > 1 }, "a file larger than a chunk is split")
        #expect(messages.last?.key == Array(manifest.modelVersion.utf8))

        func view(_ messages: [KafkaProducerMessage]) -> [String: LogRecord] {
            var latest: [String: LogRecord] = [:]
            for (offset, m) in messages.enumerated() {
                latest[String(decoding: m.key!, as: UTF8.self)] = LogRecord(
                    topic: m.topic, partition: 0, offset: Int64(offset), key: m.key, value: m.value, headers: m.headers)
            }
            return latest
        }
        let contents = ModelRegistry.assemble(view(messages))
        #expect(contents.broken.isEmpty)
        #expect(contents.versions[manifest.modelVersion]?.bundle == bundle)

        var tampered = messages
        tampered[0].value[0] ^= 0x20
        #expect(ModelRegistry.assemble(view(tampered)).broken[manifest.modelVersion]?.code == .artifactHashMismatch)
        var missing = messages
        missing.remove(at: 1)
        #expect(ModelRegistry.assemble(view(missing)).broken[manifest.modelVersion]?.code == .artifactHashMismatch)

        let store = ModelStore(directory: URL(fileURLWithPath: try makeTemporaryDirectory("model-store")))
        try store.save(manifest, bundle)
        #expect(try store.load(manifest.modelVersion)?.bundle == bundle)
        #expect(try store.load("0000000000000000") == nil)
        let file = store.directory.appendingPathComponent(manifest.modelVersion).appendingPathComponent("artifact")
        try Data("{}".utf8).write(to: file)
        #expect(throws: ModelRegistryError.self) { _ = try store.load(manifest.modelVersion) }
    }

    /// A catalog with the configured model and config/ensemble in its store (no registry).
    static func catalog() throws -> (ModelCatalog, String) {
        let bundle = try ensembleBundle()
        let decisions = try configuration(bundle)
        let manifest = ModelManifest(
            bundle: bundle, configuration: decisions, chunkBytes: 4096, training: nil, metrics: nil, baselines: nil,
            createdAt: when.rfc3339, createdBy: "test")
        let store = ModelStore(directory: URL(fileURLWithPath: try makeTemporaryDirectory("catalog")))
        try store.save(manifest, bundle)
        let catalog = ModelCatalog(
            configured: Decider(defaultDecisions), store: store, registry: nil, reader: nil,
            routingYAML: try Data(contentsOf: URL(fileURLWithPath: defaultRoutingFile)), routingSource: defaultRoutingFile,
            logger: Logger(label: "test"))
        return (catalog, decisions.modelVersion)
    }

    /// The canonical log of the snapshot tests with control records at fixed offsets:
    /// promote the ensemble, roll back, promote it again.
    static func logWithSwitches(candidate: String) -> (events: [LogRecord], topics: TopicNames, switches: [Int]) {
        let (_, plain, topics) = ProductSnapshotTests.logs()
        let controls: [Int: ControlEvent] = [
            1500: event(.modelPromote, candidate, id: "p1"), 3000: event(.modelRollback, nil, id: "r1"),
            4500: event(.modelPromote, candidate, id: "p2"),
        ]
        var events: [LogRecord] = []
        for record in plain {
            if let control = controls[events.count] {
                let output = ControlRecords.logRecords(control, topic: topics.events, partitions: 6)[0]
                events.append(
                    LogRecord(
                        topic: topics.events, partition: 0, offset: Int64(events.count), key: output.key, value: output.value,
                        headers: output.headers))
            }
            events.append(LogRecord(topic: topics.events, partition: 0, offset: Int64(events.count), key: record.key, value: record.value))
        }
        return (events, topics, controls.keys.sorted())
    }

    static func modelVersions(_ outputs: [OutputRecord], audit: String) -> Set<String> {
        var versions: Set<String> = []
        for output in outputs where output.topic == audit {
            let text = String(decoding: output.value, as: UTF8.self)
            if let range = text.range(of: #""model_version":""#) {
                versions.insert(String(text[range.upperBound...].prefix(16)))
            }
        }
        return versions
    }

    /// Every partition switches at the control record's position; a snapshot taken
    /// between switches restores (also under another configured model once the
    /// log activated one) and continues byte for byte like the uninterrupted run.
    @Test func materializeSwitchesAtTheLogPositionAndSnapshotsSurviveSwitches() throws {
        let (catalog, candidate) = try Self.catalog()
        let (events, topics, switches) = Self.logWithSwitches(candidate: candidate)
        let factory = MaterializeFactory(topics: topics, catalog: catalog)
        var full = factory.makeProcessor(partition: 0)
        var outputs: [[OutputRecord]] = []
        for record in events { outputs.append(full.apply(record)) }
        for position in switches { #expect(outputs[position].isEmpty, "a control record has no output") }
        let configured = defaultDecisions.modelVersion
        #expect(Self.modelVersions(outputs[..<switches[0]].flatMap { $0 }, audit: topics.audit) == [configured])
        #expect(Self.modelVersions(outputs[(switches[0] + 1)..<switches[1]].flatMap { $0 }, audit: topics.audit) == [candidate])
        #expect(Self.modelVersions(outputs[(switches[1] + 1)..<switches[2]].flatMap { $0 }, audit: topics.audit) == [configured])
        #expect(Self.modelVersions(outputs[(switches[2] + 1)...].flatMap { $0 }, audit: topics.audit) == [candidate])
        #expect(full.modelActivation.history.map(\.outcome) == [.switched, .switched, .switched])

        for cut in [switches[0] + 700, switches[1] + 700] {
            var first = factory.makeProcessor(partition: 0)
            for record in events[..<cut] { _ = first.apply(record) }
            let bytes = try #require(first.snapshot())
            var restored = try factory.restoreProcessor(partition: 0, snapshot: bytes)
            var rest: [[OutputRecord]] = []
            for record in events[cut...] { rest.append(restored.apply(record)) }
            #expect(rest == Array(outputs[cut...]), "restored at \(cut)")
            #expect(restored.snapshot() == full.snapshot())
        }

        // Another configured model: a snapshot with an activation still restores, one without does not.
        let otherConfigured = MaterializeFactory(topics: topics, decider: catalog.decider(for: candidate)!)
        var before = factory.makeProcessor(partition: 0)
        for record in events[..<100] { _ = before.apply(record) }
        #expect(throws: (any Error).self) { _ = try otherConfigured.restoreProcessor(partition: 0, snapshot: before.snapshot()!) }
        var after = factory.makeProcessor(partition: 0)
        for record in events[..<(switches[0] + 10)] { _ = after.apply(record) }
        _ = try otherConfigured.restoreProcessor(partition: 0, snapshot: after.snapshot()!)
    }

    /// Two shadow models (the ensemble and the configured model itself) score
    /// every decided lead between shadow and unshadow: their
    /// scores go into the audit record's `shadows`, routing records are exactly
    /// those of a run without shadows, and unshadowing ends them.
    @Test func shadowsScoreIntoTheAuditRecordOnly() async throws {
        let (catalog, candidate) = try Self.catalog()
        let (_, plain, topics) = ProductSnapshotTests.logs()
        let events = Array(plain.prefix(1200))
        func withControls(_ controls: [Int: ControlEvent]) -> [LogRecord] {
            var out: [LogRecord] = []
            for record in events {
                // Controls at consecutive positions (300 and 301) are all inserted.
                while let control = controls[out.count] {
                    let output = ControlRecords.logRecords(control, topic: topics.events, partitions: 1)[0]
                    out.append(
                        LogRecord(
                            topic: topics.events, partition: 0, offset: Int64(out.count), key: output.key, value: output.value,
                            headers: output.headers))
                }
                out.append(LogRecord(topic: topics.events, partition: 0, offset: Int64(out.count), key: record.key, value: record.value))
            }
            return out
        }
        let configured = defaultDecisions.modelVersion
        let shadowed = withControls([
            300: Self.event(.modelShadow, candidate, id: "s1"), 301: Self.event(.modelShadow, configured, id: "s2"),
            900: Self.event(.modelUnshadow, candidate, id: "u1"), 901: Self.event(.modelUnshadow, configured, id: "u2"),
        ])
        let factory = MaterializeFactory(topics: topics, catalog: catalog)
        var processor = factory.makeProcessor(partition: 0)
        let outputs = shadowed.map { processor.apply($0) }
        var plainProcessor = factory.makeProcessor(partition: 0)
        // The same log positions hold control events that change nothing, so offsets (and decision ids) agree.
        let plainOutputs = withControls([
            300: Self.event(.modelPromote, configured, id: "n1"), 301: Self.event(.modelPromote, configured, id: "n2"),
            900: Self.event(.modelUnshadow, candidate, id: "n3"), 901: Self.event(.modelUnshadow, configured, id: "n4"),
        ]).map { plainProcessor.apply($0) }

        let routing = outputs.flatMap { $0 }.filter { $0.topic == topics.routing }
        #expect(routing == plainOutputs.flatMap { $0 }.filter { $0.topic == topics.routing })
        let audits = outputs.flatMap { $0 }.filter { $0.topic == topics.audit }
        let plainAudits = plainOutputs.flatMap { $0 }.filter { $0.topic == topics.audit }
        #expect(audits.count == plainAudits.count)
        var withShadows = 0
        for (audit, plainAudit) in zip(audits, plainAudits) where audit.value != plainAudit.value {
            let text = String(decoding: audit.value, as: UTF8.self)
            #expect(
                text.contains(#""shadows":[{"lead_id":"#) && text.contains(candidate) && text.contains(#""model_version":"\#(configured)""#)
            )
            let view = try AuditRecordView(audit.value)
            #expect(view.decision == (try AuditRecordView(plainAudit.value).decision))
            // Read back typed: both shadows judge every lead the active model decided (the candidate
            // also re-decides the contacts of a changed account, where the active model may decide
            // none), and the configured model shadowing itself gives the active decision's score and tier.
            #expect(Set(view.shadows.map(\.modelVersion)).isSubset(of: [candidate, configured]))
            if let decision = view.decision {
                #expect(Set(view.shadows.map(\.modelVersion)) == [candidate, configured])
                let own = view.shadows.first { $0.modelVersion == configured && $0.leadID == decision.leadID }
                #expect(own?.score == decision.score && own?.tier == decision.tier, "\(view.shadows) for \(decision)")
            }
            withShadows += 1
        }
        #expect(withShadows > 100)
        let early = audits.prefix(250).map { String(decoding: $0.value, as: UTF8.self) }
        #expect(early.allSatisfy { !$0.contains(#""shadows""#) })
        let late = audits.suffix(100).map { String(decoding: $0.value, as: UTF8.self) }
        #expect(late.allSatisfy { !$0.contains(#""shadows""#) })
        let directory = try makeTemporaryDirectory("shadow-schema")
        let violations = try await schemaViolations(audits.map(\.value), schema: "leadledger.audit", directory: directory)
        #expect(violations.isEmpty, "\(violations)")
    }

    /// The validate stage refuses an unregistered version (DLQ, `unknown_model_version`,
    /// and a skip marker for the identity stage's gap-aware de-duplication, as for any
    /// rejected input); the identity stage writes a valid control event to every log
    /// partition, once.
    @Test func validateRefusesUnknownVersionsAndIdentityFansOut() throws {
        let (catalog, candidate) = try Self.catalog()
        let topics = TopicNames()
        var validateFactory = ValidateFactory(topics: topics)
        validateFactory.catalog = catalog
        var validate = validateFactory.makeProcessor(partition: 0)
        let unknown = Self.event(.modelPromote, "0000000000000000")
        let rejected = validate.apply(LogRecord(topic: topics.control, partition: 0, offset: 0, value: unknown.encoded))
        #expect(rejected.count == 2 && rejected[0].topic == topics.dlq && rejected[1].topic == topics.identity)
        #expect(rejected[1].value.isEmpty && rejected[1].headers.contains { $0.key == RepartitionHeaders.skipped })
        #expect(try DeadLetter(bytes: rejected[0].value).error.code == .unknownModelVersion)
        let garbage = validate.apply(LogRecord(topic: topics.control, partition: 0, offset: 1, value: Array("{}".utf8)))
        #expect(garbage.count == 2 && garbage[0].topic == topics.dlq && garbage[1].value.isEmpty)

        let promote = Self.event(.modelPromote, candidate)
        let accepted = validate.apply(LogRecord(topic: topics.control, partition: 0, offset: 2, value: promote.encoded))
        #expect(accepted.count == 1 && accepted[0].topic == topics.identity)
        var identityFactory = IdentityFactory(topics: topics)
        identityFactory.logPartitions = 6
        var identity = identityFactory.makeProcessor(partition: 0)
        let repartition = LogRecord(
            topic: topics.identity, partition: 0, offset: 0, key: accepted[0].key, value: accepted[0].value, headers: accepted[0].headers)
        let logRecords = identity.apply(repartition)
        #expect(logRecords.map(\.partition) == (0..<6).map { Optional($0) })
        #expect(logRecords.allSatisfy { $0.topic == topics.events && ControlRecords.isControl($0.headers) && $0.value == promote.encoded })
        #expect(identity.apply(repartition).isEmpty, "a repeat of the validate stage is skipped")
    }

    /// The training range `train --register` adds to the manifest reads back as written;
    /// a training object without it (an older trainer) has none, and the manifest still decodes.
    @Test func trainingRangeIsAdditive() throws {
        let range = TrainingRange(
            topic: "events", partitions: [.init(partition: 0, end: 120), .init(partition: 3, end: 7)], seed: 9, negativeAfterDays: 30)
        var object: JSONObject = ["log_topic": .string("events"), "seed": .int(9), "holdout": .int(41)]
        object.members += range.members
        let reread = try #require(TrainingRange(training: .object(object)))
        #expect(reread.partitions == range.partitions && reread.seed == 9 && reread.negativeAfterDays == 30)
        #expect(reread.topic == "events" && reread.heldOut == 41)
        #expect(reread.description == "events partitions 0@0..<120,3@0..<7, seed 9")
        let old: JSONValue = .object(["log_topic": .string("events"), "log_partitions": .array([.int(0)]), "seed": .int(0)])
        #expect(TrainingRange(training: old) == nil)
        #expect(TrainingRange(training: nil) == nil)

        let bundle = try ModelBundle.load(scoringFile: URL(fileURLWithPath: defaultScoringFile))
        let configuration = try bundle.configuration(
            routingYAML: Data(contentsOf: URL(fileURLWithPath: defaultRoutingFile)), routingSource: defaultRoutingFile,
            auditRecordLimit: 1 << 20, auditSchema: .v3, routingSchema: .v2)
        for training in [old, .object(object)] {
            let manifest = ModelManifest(
                bundle: bundle, configuration: configuration, chunkBytes: 1024, training: training, metrics: nil, baselines: nil,
                createdAt: "2026-12-01T10:00:00Z", createdBy: "ana")
            let decoded = try ModelManifest(bytes: manifest.encoded, context: "test")
            #expect(decoded.encoded == manifest.encoded)
            #expect(TrainingRange(training: decoded.training) == TrainingRange(training: training))
        }
    }

    /// The promote guard refuses a candidate with the lower AUC and names both figures and their basis.
    @Test func heldOutComparisonRefusesTheWorseCandidate() {
        let worse = HeldOutComparison(
            candidateVersion: "cccccccccccccccc", activeVersion: "aaaaaaaaaaaaaaaa", candidateAUC: 0.61234, activeAUC: 0.8,
            basis: .rebuiltSplit(leads: 96, range: "events partitions 0@0..<120, seed 0"))
        #expect(worse.candidateIsWorse)
        let refusal = worse.refusal
        #expect(refusal.code == .refused && refusal.context == "cccccccccccccccc")
        #expect(refusal.reason.contains("0.6123") && refusal.reason.contains("0.8 ") && refusal.reason.contains("96 held-out leads"))
        #expect(refusal.reason.contains("--force"))
        var equal = worse
        equal.candidateAUC = 0.8
        #expect(!equal.candidateIsWorse, "an equal figure is not worse")
        var manifests = worse
        manifests.basis = .manifests
        #expect(manifests.summary.contains("manifest held-out AUC 0.6123") && manifests.summary.contains("cannot be rebuilt"))
    }

    /// A rule set's registry record reads back with its text; its version is the content
    /// hash `ruleset_version` names; a record whose text was altered is refused; the
    /// registry's model view skips rule-set records.
    @Test func ruleSetRecordsReadBackAndStayOutOfTheModelView() throws {
        let yaml = Array(try Data(contentsOf: URL(fileURLWithPath: defaultRoutingFile)))
        let record = try RuleSetRecord(yaml: yaml, source: "routing.yaml", createdAt: "2026-12-01T10:00:00Z", createdBy: "ana")
        #expect(record.rulesetVersion == defaultDecisions.rulesetVersion)
        #expect(try RuleSetRecord(bytes: record.encoded, context: "test") == record)
        let tampered = String(decoding: record.encoded, as: UTF8.self).replacing("sales_ready", with: "sales_ready_")
        #expect(throws: ModelRegistryError.self) { try RuleSetRecord(bytes: Array(tampered.utf8), context: "test") }
        #expect(throws: ModelRegistryError.self) {
            try RuleSetRecord(yaml: [0xFF, 0xFE], source: "bad.yaml", createdAt: "2026-12-01T10:00:00Z", createdBy: "ana")
        }

        let message = record.message(topic: "models")
        let logRecord = LogRecord(
            topic: "models", partition: 0, offset: 0, key: message.key, value: message.value, headers: message.headers)
        let contents = ModelRegistry.assemble([RuleSetRecord.keyPrefix + record.rulesetVersion: logRecord])
        #expect(contents.ruleSets[record.rulesetVersion] == record)
        #expect(contents.versions.isEmpty && contents.broken.isEmpty && contents.brokenRuleSets.isEmpty)
    }
}
