import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Testing

@Suite("Product processors: snapshots")
struct ProductSnapshotTests {
    /// Builds the three logs in memory: a seeded workload through the route step
    /// (identity repartition records), the identity step (canonical log records).
    /// `rewrite` may change each generated message's bytes first.
    static func logs(
        messages: Int = 4000, rewrite: ((GeneratedMessage) -> [UInt8])? = nil
    ) -> (identity: [LogRecord], events: [LogRecord], topics: TopicNames) {
        let topics = TopicNames()
        var generator = WorkloadGenerator(seed: 5, topics: topics, malformedRate: 0.02)
        var offsets: [String: Int64] = [:]
        var route = ValidateProcessor(topics: topics)
        var identity: [LogRecord] = []
        for _ in 0..<messages {
            var message = generator.next()
            if let rewrite { message.value = rewrite(message) }
            let offset = offsets[message.topic, default: 0]
            offsets[message.topic] = offset + 1
            for output in route.apply(
                LogRecord(topic: message.topic, partition: 0, offset: offset, key: Array(message.key.utf8), value: message.value))
            where output.topic == topics.identity {
                identity.append(
                    LogRecord(
                        topic: topics.identity, partition: 0, offset: Int64(identity.count), key: output.key, value: output.value,
                        headers: output.headers))
            }
        }
        var resolver = IdentityProcessor(topics: topics)
        var events: [LogRecord] = []
        for record in identity {
            for output in resolver.apply(record) where output.topic == topics.events {
                events.append(
                    LogRecord(topic: topics.events, partition: 0, offset: Int64(events.count), key: output.key, value: output.value))
            }
        }
        return (identity, events, topics)
    }

    /// Snapshot after half the records, restore, apply the rest: the outputs of the
    /// second half and the final snapshot equal those of an uninterrupted run
    /// (SPEC §8: a snapshot is a pure function of the log prefix). Damaged bytes
    /// are rejected, never restored into wrong state.
    @Test func identityAndMaterializeRestoreEqualsUninterruptedRun() throws {
        let (identity, events, topics) = Self.logs()
        #expect(identity.count > 3000)
        #expect(events.count > identity.count)

        func check<F: PartitionProcessorFactory>(_ factory: F, _ records: [LogRecord]) throws {
            var full = factory.makeProcessor(partition: 0)
            var fullOutputs: [[OutputRecord]] = []
            for record in records { fullOutputs.append(full.apply(record)) }
            let half = records.count / 2
            var first = factory.makeProcessor(partition: 0)
            for record in records[..<half] { _ = first.apply(record) }
            let bytes = try #require(first.snapshot())
            #expect(first.snapshot() == bytes, "deterministic encoding")
            var restored = try factory.restoreProcessor(partition: 0, snapshot: bytes)
            #expect(restored.snapshot() == bytes)
            var restoredOutputs: [[OutputRecord]] = []
            for record in records[half...] { restoredOutputs.append(restored.apply(record)) }
            #expect(restoredOutputs == Array(fullOutputs[half...]))
            #expect(restored.snapshot() == full.snapshot())

            // Damaged bytes are refused with snapshot_unreadable, never restored: a byte
            // flipped anywhere (header, sections, checksum), a truncation, a trailing byte.
            func refused(_ damaged: [UInt8]) -> Bool {
                do {
                    _ = try factory.restoreProcessor(partition: 0, snapshot: damaged)
                    return false
                } catch let error as EngineError {
                    return error.code == .snapshotUnreadable
                } catch {
                    return false
                }
            }
            for position in Array(stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40))) + Array(0..<24) + [bytes.count - 1] {
                var damaged = bytes
                damaged[position] ^= 0x5a
                #expect(refused(damaged), "byte \(position) of \(bytes.count) flipped")
            }
            for length in [0, 5, 20, 24, 32, bytes.count / 2, bytes.count - 4, bytes.count - 1] {
                #expect(refused(Array(bytes.prefix(length))), "truncated to \(length) of \(bytes.count) bytes")
            }
            #expect(refused(bytes + [0]), "a trailing byte")

            // Damaged payloads behind a valid envelope (length and CRC-32 made right) reach the
            // processor's own section readers: refused with snapshot_unreadable, or restored to a
            // state that snapshots again; never a crash. Most hit the first 256 payload bytes,
            // where the processor's own sections are (the nested snapshots have their own CRC-32).
            let tag = try #require(SnapshotTag(rawValue: bytes[8]))
            let version = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[4 + $1]) << (8 * UInt32($1)) }
            let payload = Array(bytes[SnapshotEnvelope.headerSize..<(bytes.count - 4)])
            var random = SplitMix64(seed: 7)
            var accepted = 0
            for round in 0..<300 {
                var damaged = payload
                let span = round % 3 == 0 ? damaged.count : min(256, damaged.count)
                damaged[Int(random.next() % UInt64(span))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                var w = SnapshotEnvelope.begin(tag: tag, version: version, capacity: damaged.count)
                w.append(damaged)
                let sealed = SnapshotEnvelope.finish(&w)
                do {
                    let restored = try factory.restoreProcessor(partition: 0, snapshot: sealed)
                    #expect(restored.snapshot() != nil)
                    accepted += 1
                } catch let error as EngineError {
                    #expect(error.code == .snapshotUnreadable, "\(error)")
                }
            }
            #expect(accepted < 300, "damage is noticed")
        }
        try check(IdentityFactory(topics: topics), identity)
        try check(MaterializeFactory(topics: topics, decisions: defaultDecisions), events)
    }

    /// The materialize stage writes the Decider's records: exactly one audit
    /// record per applied event (decision id from the log position, key = the
    /// event's key) whose decisions name every routing record of the event, and
    /// routing records for the generated workload, each
    /// with its `dc_` decision id as the `decision_id` header (= the id in the
    /// bytes); a repeated run gives the same bytes; a snapshot taken with
    /// another decision configuration is not restored.
    @Test func materializeWritesDeciderRecords() throws {
        let (_, events, topics) = Self.logs()
        let factory = MaterializeFactory(topics: topics, decisions: defaultDecisions)
        func run() -> [OutputRecord] {
            var processor = factory.makeProcessor(partition: 0)
            return events.flatMap { processor.apply($0) }
        }
        let outputs = run()
        let audit = outputs.filter { $0.topic == topics.audit }
        let routing = outputs.filter { $0.topic == topics.routing }
        #expect(audit.count >= events.count / 2)
        var processor = factory.makeProcessor(partition: 0)
        var applied = 0
        for record in events {
            let out = processor.apply(record)
            let eventAudit = out.filter { $0.topic == topics.audit }
            let eventRouting = out.filter { $0.topic == topics.routing }
            // A log event the ledger applied already gets no record at all.
            guard !out.isEmpty else { continue }
            applied += 1
            #expect(eventAudit.count == 1, "log offset \(record.offset): \(eventAudit.count) audit records")
            guard let a = eventAudit.first else { continue }
            #expect(a.key == record.key, "audit key = the event's key = the log record's key")
            #expect(
                a.headers.first { $0.key == OutputHeaders.decisionID }?.value.map { String(decoding: $0, as: UTF8.self) }
                    == DecisionID.make(partition: record.partition, offset: record.offset, kind: "audit").text)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(a.value)) as? [String: Any])
            let named = ([json] + (json["further_decisions"] as? [[String: Any]] ?? [])).compactMap { $0["routing_decision_id"] as? String }
            let routingIDs = try eventRouting.map { try RoutingRecordView($0.value).decisionID }
            #expect(named.sorted() == routingIDs.sorted(), "log offset \(record.offset)")
        }
        #expect(applied == audit.count)
        #expect(routing.count > 100, "routing records: \(routing.count)")
        for output in audit + routing {
            let header = output.headers.first { $0.key == OutputHeaders.decisionID }.flatMap(\.value).map {
                String(decoding: $0, as: UTF8.self)
            }
            let json = try #require(try JSONSerialization.jsonObject(with: Data(output.value)) as? [String: Any])
            #expect(header != nil && header == json["decision_id"] as? String)
            #expect(header?.hasPrefix("dc_") == true)
        }
        let tiers = Set(try routing.map { try RoutingRecordView($0.value).tier })
        #expect(tiers.count >= 2, "tiers: \(tiers)")
        #expect(run() == outputs, "byte-identical repeat")

        processor = factory.makeProcessor(partition: 0)
        for record in events.prefix(500) { _ = processor.apply(record) }
        let snapshot = try #require(processor.snapshot())
        let otherRouting = try String(contentsOfFile: defaultRoutingFile, encoding: .utf8) + "\n# another ruleset\n"
        let otherRoutingFile = FileManager.default.temporaryDirectory.appendingPathComponent("other-routing-\(UUID().uuidString).yaml")
        try otherRouting.write(to: otherRoutingFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: otherRoutingFile) }
        let other = try DecisionConfiguration.load(scoringConfig: URL(fileURLWithPath: defaultScoringFile), routingRules: otherRoutingFile)
        #expect(throws: EngineError.self) {
            _ = try MaterializeFactory(topics: topics, decisions: other).restoreProcessor(partition: 0, snapshot: snapshot)
        }
        #expect(throws: Never.self) { _ = try factory.restoreProcessor(partition: 0, snapshot: snapshot) }
    }
}
