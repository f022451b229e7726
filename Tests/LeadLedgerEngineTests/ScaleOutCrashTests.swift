import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("Scale-out and crash (CLI)")
struct ScaleOutCrashTests {
    /// Two `leadledger run` processes in one group split the partitions while the
    /// first half of a seeded workload arrives; one is killed with SIGKILL; the
    /// second half is produced after the kill; the survivor takes the dead
    /// member's partitions over (after the session timeout) and finishes.
    /// Then: every inbound message is either accepted (in the identity
    /// repartition topic, once per source position as the resolver saw it) or in
    /// the DLQ (exactly the malformed ones); `leadledger audit verify` re-derives
    /// every decision with a clean single-process replay and finds the audit and
    /// routing topics equal to it byte for byte (including each record's
    /// `state_hash`): nothing missing, nothing extra, every repeat identical;
    /// every accepted log event has exactly one distinct audit decision id (its
    /// log position's; repeats byte-identical, a repeated log event none);
    /// routing and audit records validate against their JSON schemas. Tampering
    /// with one audit record and forging another make `audit verify` fail and
    /// print both.
    ///
    /// The CLI processes are the release build when `LEADLEDGER_CLI` points at it
    /// (scripts/test does); progress is polled through committed offsets, not by
    /// re-reading topics. The time limit is a hang bound (the test takes about a
    /// minute on the 2-core machine).
    @Test(.timeLimit(.minutes(6)))
    func twoProcessesOneKilledSurvivorFinishes() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("scaleout")
        let suffix = uniqueName("so")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let client = KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests")

        // Topics first (generate with 0 events creates them).
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")

        // One seeded workload of 6000 messages in two halves: the second half is
        // produced only after the kill, so the survivor takes over mid-stream.
        let total = 6000
        let half = 3000
        let generate = ["generate", "--config", config, "--seed", "2026", "--malformed-rate", "0.03"]
        let firstHalf = try CLIProcess(generate + ["--events", String(half), "--rate", "1000"], directory: directory, name: "generate-1")
        let first = try CLIProcess(
            ["run", "--config", config, "--state-directory", directory + "/state-a", "--log-level", "info"], directory: directory,
            name: "run-a")
        let second = try CLIProcess(
            ["run", "--config", config, "--state-directory", directory + "/state-b", "--log-level", "info"], directory: directory,
            name: "run-b")
        // Whatever happens (a failed expectation, the time limit), no process outlives the test.
        defer { for process in [firstHalf, first, second] { process.signal(SIGKILL) } }
        let phases = PhaseClock("scale-out")

        // Both members own log partitions and decisions are flowing: kill the second one.
        // (Progress is read from the groups' committed offsets, which are cheap to
        // poll; reading the topics themselves on every poll costs the test more
        // CPU than the processes under test use.)
        try await eventually(90, "both processes own log partitions and audit records flow") {
            guard first.stderr.contains("events-\(suffix)["), second.stderr.contains("events-\(suffix)[") else { return false }
            let committed = try await committedOffsets(
                group: "materialize-\(suffix)", topic: "events-\(suffix)", partitions: 4, brokers: brokers)
            return committed.values.reduce(0, +) >= 300
        }
        phases.mark("both members own log partitions; killing run-b")
        second.signal(SIGKILL)
        #expect(try await second.waitUntilDead(seconds: 30), "the SIGKILLed member is still alive")
        #expect(try await firstHalf.wait(seconds: 60) == 0, "\(firstHalf.stderr)")
        let secondHalf = try await runCLI(
            generate + ["--events", String(half), "--skip", String(half)], directory: directory, name: "generate-2")
        #expect(secondHalf.status == 0, "\(secondHalf.stderr)")
        func malformedCount(_ summary: String) -> Int {
            Int(summary.split(separator: "malformed=").last?.prefix { $0.isNumber } ?? "") ?? -1
        }
        let malformed = malformedCount(firstHalf.stdout) + malformedCount(secondHalf.stdout)
        #expect(malformed > 0, "summaries: \(firstHalf.stdout) \(secondHalf.stdout)")

        phases.mark("second half produced (malformed \(malformed))")
        // Wait until the survivor has resolved everything and materialized the whole
        // log, as an operator would: `leadledger lag --wait` returns once every
        // stage's group has committed to the end of its input (commits follow
        // acknowledged outputs, so then every output is in its topic).
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "240"], directory: directory, name: "lag", seconds: 270)
        #expect(lag.status == 0 && lag.stdout.contains("lag: caught up"), "\(lag.stdout)\(lag.stderr.suffix(1000))")
        phases.mark("the survivor has caught up")
        // Input accounting: accepted exactly once per source position (as resolved), rejected = malformed.
        // Forwarded inbound messages: skip markers of rejected inputs and each process's model
        // bootstrap control event set apart.
        let accepted = try await readAll("identity-\(suffix)", partitions: 1, brokers: brokers).filter {
            header($0, RepartitionHeaders.skipped) == nil && !isControlRepartition($0)
        }
        let rejected = try await readAll("dlq-\(suffix)", partitions: 3, brokers: brokers)
        let acceptedPositions = Set(accepted.map(sourcePosition))
        let rejectedPositions = Set(rejected.map(dlqSource))
        #expect(acceptedPositions.isDisjoint(with: rejectedPositions))
        #expect(acceptedPositions.count + rejectedPositions.count == total)
        #expect(rejectedPositions.count == malformed)

        // The outputs: that the audit and routing topics hold exactly the records a
        // clean single-process replay derives (nothing missing or extra, every repeat
        // byte-identical) is what `audit verify` checks, below. Here, from the topics
        // alone: every accepted log event has exactly one distinct audit decision id
        // (its log position's), repeats byte-identical; and the records' shape, on
        // the first 500 records of each partition (validating every multi-KB record
        // in Python would dominate the test's time).
        let reader = LogReader(client: client, logger: testLogger)
        var audit: [LogRecord] = []
        var routing: [LogRecord] = []
        var log: [LogRecord] = []
        for partition in Int32(0)..<3 {
            try await reader.fold(topic: "audit-\(suffix)", partition: partition, from: 0, to: nil, into: &audit) { $0.append($1) }
            try await reader.fold(topic: "routing-\(suffix)", partition: partition, from: 0, to: 500, into: &routing) { $0.append($1) }
        }
        for partition in Int32(0)..<4 {
            try await reader.fold(topic: "events-\(suffix)", partition: partition, from: 0, to: nil, into: &log) { $0.append($1) }
        }
        // Canonical events only: control records (model activation) have no audit record.
        log.removeAll { ControlRecords.isControl($0.headers) }
        #expect(audit.allSatisfy { decisionID($0) != nil } && routing.allSatisfy { decisionID($0) != nil })
        var auditByID: [String: Set<[UInt8]>] = [:]
        var auditKeys: [String: Set<[UInt8]>] = [:]
        for record in audit {
            guard let id = decisionID(record) else { continue }
            auditByID[id, default: []].insert(record.value)
            auditKeys[id, default: []].insert(record.key ?? [])
        }
        let differingRepeats = auditByID.filter { $0.value.count != 1 }.keys.sorted()
        #expect(differingRepeats.isEmpty, "audit decision ids with differing copies: \(differingRepeats.prefix(5))")
        // Per log partition in offset order: an event with no audit record must be a repeat
        // of an earlier log record (the resolve stage repeating after the crash), which the
        // materializer ignores; every other one has exactly its position's audit id.
        var audited = Set<String>()
        var repeats = 0
        var unaudited: [String] = []
        var earlier: [Int32: Set<[UInt8]>] = [:]
        for record in log.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            let id = DecisionID.make(partition: record.partition, offset: record.offset, kind: "audit").text
            let isRepeat = earlier[record.partition, default: []].contains(record.value)
            earlier[record.partition, default: []].insert(record.value)
            if auditByID[id] != nil {
                audited.insert(id)
                #expect(!isRepeat, "log \(record.partition)@\(record.offset) repeats an applied event but has an audit record")
                #expect(auditKeys[id] == [record.key ?? []], "audit key of log \(record.partition)@\(record.offset) is the event's key")
            } else if isRepeat {
                repeats += 1
            } else {
                unaudited.append("\(record.partition)@\(record.offset)")
            }
        }
        #expect(unaudited.isEmpty, "accepted log events without an audit record: \(unaudited.prefix(10))")
        #expect(
            Set(auditByID.keys) == audited, "audit ids that name no log position: \(Set(auditByID.keys).subtracting(audited).prefix(5))")
        #expect(
            audited.count + repeats == log.count && audited.count > 3000, "log \(log.count), audited \(audited.count), repeats \(repeats)")
        #expect(routing.count > 100, "routing \(routing.count)")
        #expect(
            Set(routing.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }).allSatisfy { $0.hasPrefix("ld_") },
            "routing key = lead_id")
        let routingViolations = try await schemaViolations(
            Array(Set(routing.map(\.value))), schema: "leadledger.routing", directory: directory)
        #expect(routingViolations.isEmpty, "\(routingViolations)")
        var auditSample: [LogRecord] = []
        for partition in Int32(0)..<3 { auditSample += audit.filter { $0.partition == partition && $0.offset < 500 } }
        let auditViolations = try await schemaViolations(
            Array(Set(auditSample.map(\.value))), schema: "leadledger.audit", directory: directory)
        #expect(auditViolations.isEmpty, "\(auditViolations)")

        phases.mark("schemas checked")
        // audit verify passes; the survivor hands over cleanly on SIGTERM.
        let verify = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/state-a"], directory: directory, name: "verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr.suffix(2000))")
        #expect(verify.stdout.contains("audit verify: OK"), "\(verify.stdout.suffix(2000))")
        // explain finds a lead's decision inside another lead's audit record (further_decisions), with its lineage.
        let fanOut = try #require(
            audit.first { String(decoding: $0.value, as: UTF8.self).range(of: #""further_decisions":[{"#) != nil },
            "an audit record with further decisions")
        let fanOutJSON = try #require(try JSONSerialization.jsonObject(with: Data(fanOut.value)) as? [String: Any])
        let furtherLead = try #require((fanOutJSON["further_decisions"] as? [[String: Any]])?.first?["lead_id"] as? String)
        let fanOutLog = try #require((fanOutJSON["lineage"] as? [String: Any])?["log"] as? [String: Any])
        let explain = try await runCLI(["explain", "--config", config, "--lead", furtherLead], directory: directory, name: "explain")
        #expect(explain.status == 0, "\(explain.stderr.suffix(2000))")
        #expect(explain.stdout.contains("\(fanOutJSON["decision_id"] as? String ?? "?")"), "\(explain.stdout.prefix(3000))")
        #expect(
            explain.stdout.contains("further decision (primary lead \(fanOutJSON["lead_id"] as? String ?? "-"))"),
            "\(explain.stdout.prefix(3000))")
        #expect(
            explain.stdout.contains("events-\(suffix)[\(fanOutLog["partition"] as? Int ?? -1)]@\(fanOutLog["offset"] as? Int ?? -1) <- "),
            "\(explain.stdout.prefix(3000))")
        // watch prints one readable line per record of the output topics, naming real decisions.
        let routingIDs = Set(routing.compactMap { decisionID($0) })
        let watch = try await runCLI(["watch", "--config", config, "--max", "40", "--idle", "5"], directory: directory, name: "watch")
        #expect(watch.status == 0, "\(watch.stderr.suffix(2000))")
        let watchLines = watch.stdout.split(separator: "\n").map(String.init)
        #expect(watchLines.count == 40, "\(watch.stdout.prefix(3000))")
        for line in watchLines {
            // The decision id opens the trailing "[dc_… log[P]@O <- topic[P]@O]".
            let id = line.range(of: " [dc_", options: .backwards).map { "dc_" + line[$0.upperBound...].prefix { $0 != " " } } ?? "?"
            if line.hasPrefix("ROUTE ") {
                #expect(routingIDs.contains(id) && line.contains(" -> ") && line.contains(" because "), "\(line)")
                // Each reason names something the lead has or did, with its value: "feature=value (±c)";
                // a gate rule that set the tier comes first and reads "rule (gate)". A closed route (an
                // erased or merged lead) and a route a person set (an override) have no model reasons,
                // and neither has a lead with nothing to its name yet (no fit, no behaviour): they print
                // "because -", and the last is never routed to sales.
                if let because = line.range(of: " because "), let tail = line.range(of: " [dc_", options: .backwards) {
                    let text = line[because.upperBound..<tail.lowerBound]
                    if text == "-" {
                        #expect(
                            line.contains(" queue=closed ") || line.contains(" (override) ") || line.contains(" -> nurture "),
                            "a routed lead without reasons: \(line)")
                        continue
                    }
                    for (index, reason) in text.components(separatedBy: "; ").enumerated() {
                        if reason.hasSuffix(" (gate)") {
                            #expect(
                                index == 0 && !reason.contains("=") && !line.contains(" -> sales_"),
                                "a gate rule is the first reason of a gated route: \(reason) in \(line)")
                            continue
                        }
                        #expect(reason.split(separator: " ").first?.contains("=") == true && reason.hasSuffix(")"), "\(reason) in \(line)")
                        #expect(!reason.contains("=0 ("), "a reason with value 0: \(reason) in \(line)")
                    }
                }
            } else {
                #expect(line.hasPrefix("AUDIT ") && auditByID[id] != nil, "\(line)")
            }
        }
        let routeOnly = try await runCLI(
            ["watch", "--config", config, "--routing-only", "--max", "15", "--idle", "5"], directory: directory, name: "watch-routing")
        let routeLines = routeOnly.stdout.split(separator: "\n")
        #expect(
            routeOnly.status == 0 && routeLines.count == 15 && routeLines.allSatisfy { $0.hasPrefix("ROUTE ") },
            "\(routeOnly.stdout.prefix(2000))")
        first.signal(SIGTERM)
        #expect(try await first.wait(seconds: 60) == 0, "\(first.stderr.suffix(2000))")

        phases.mark("audit verify passed; survivor stopped")
        // Tamper with one audit record and forge another: verify fails and prints both.
        let victim = audit[audit.count / 3]
        let victimID = try #require(decisionID(victim))
        let original = String(decoding: victim.value, as: UTF8.self)
        let tampered = original.replacingOccurrences(of: "\"schema_version\":3", with: "\"schema_version\":3,\"tier_note\":\"sales_ready\"")
        #expect(tampered != original)
        try await produce(
            "audit-\(suffix)", [(key: "tampered", value: tampered)], brokers: brokers, partition: victim.partition,
            headers: [KafkaHeader(key: OutputHeaders.decisionID, value: victimID)])
        let forgedID = "dc_" + String(repeating: "0", count: 32)
        try await produce(
            "audit-\(suffix)", [(key: "forged", value: original)], brokers: brokers, partition: victim.partition,
            headers: [KafkaHeader(key: OutputHeaders.decisionID, value: forgedID)])
        let failing = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/state-a"], directory: directory,
            name: "verify-tampered")
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("DIFFERS \(victimID)"))
        #expect(failing.stdout.contains("UNEXPECTED \(forgedID)"))
        #expect(failing.stdout.contains("audit verify: FAILED: 2 difference"))
    }
}

func header(_ record: LogRecord, _ name: String) -> String? {
    record.headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
}

func sourcePosition(_ record: LogRecord) -> String {
    guard let source = (try? RepartitionInput(record))?.source else { return "?/?/?" }
    return "\(source.topic)/\(source.partition)/\(source.offset)"
}

func dlqSource(_ record: LogRecord) -> String {
    guard let json = try? JSONSerialization.jsonObject(with: Data(record.value)) as? [String: Any],
        let source = json["source"] as? [String: Any]
    else { return "?" }
    return "\(source["topic"] ?? "?")/\(source["partition"] ?? "?")/\(source["offset"] ?? "?")"
}

/// The offsets a consumer group has committed on a topic's partitions (0 when none).
func committedOffsets(group: String, topic: String, partitions: Int32, brokers: String) async throws -> [Int32: Int64] {
    let probe = try KafkaConsumer(
        configuration: KafkaConsumerConfiguration(bootstrapServers: [brokers], groupID: group, clientID: "engine-tests"), logger: testLogger
    )
    let wanted = (Int32(0)..<partitions).map { KafkaTopicPartition(topic: topic, partition: $0) }
    let committed = try await probe.committed(wanted)
    await probe.close()
    return Dictionary(uniqueKeysWithValues: wanted.map { ($0.partition, (committed[$0] ?? nil) ?? 0) })
}
