import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("Poison outputs (CLI)")
struct PoisonOutputTests {
    /// A 900 KB non-JSON message (its DLQ copy would be 1.2 MB, above the
    /// producer's `message.max.bytes`) and a valid CRM event of 1,010,000 bytes
    /// (its forward to the repartition topic is above the limit: the last name
    /// alone is about 1 MB, and the forwarded record keeps every field the
    /// contract reads) arrive on one
    /// inbound partition ahead of a seeded workload. Both land in the DLQ in the
    /// reference form (size, SHA-256, prefix; the original stays in its topic),
    /// every later message is decided, `lag --wait` catches up, and SIGTERM ends
    /// the process. The time bounds are hang guards, not timing thresholds.
    @Test(.timeLimit(.minutes(6)))
    func oversizedInputsAreReferencedAndTheEngineGoesOn() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("poison")
        let suffix = uniqueName("po")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")

        let garbage = Array("not json: ".utf8) + (0..<(900_000 - 10)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let event =
            #"{"event_id":"evt-big","type":"lead.created","occurred_at":"2024-04-02T08:30:00Z","source":"salesforce","record_id":"00Qbig","lead":{"email":"big@acme.io","company":"Acme","last_name":""#
        let padded = Array(event.utf8) + Array(repeating: UInt8(ascii: "p"), count: 1_010_000 - event.utf8.count - 3) + Array(#""}}"#.utf8)
        #expect(padded.count == 1_010_000)
        try await produceLarge(
            "crm-\(suffix)", [(Array("garbage".utf8), garbage), (Array("00Qbig".utf8), padded)], partition: 0, brokers: brokers)
        let generate = try await runCLI(
            ["generate", "--config", config, "--seed", "11", "--events", "300", "--malformed-rate", "0"], directory: directory,
            name: "generate")
        #expect(generate.status == 0, "\(generate.stderr)")

        let run = try CLIProcess(
            ["run", "--config", config, "--state-directory", directory + "/state", "--log-level", "info"], directory: directory, name: "run"
        )
        defer { run.signal(SIGKILL) }
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "150"], directory: directory, name: "lag", seconds: 180)
        #expect(
            lag.status == 0 && lag.stdout.contains("lag: caught up"),
            "\(lag.stdout)\(lag.stderr.suffix(1000))\nrun: \(run.stderr.suffix(3000))")

        // Both oversized inputs are in the DLQ as references; nothing else is.
        let dlq = try await readAll("dlq-\(suffix)", partitions: 3, brokers: brokers)
        #expect(dlq.count == 2, "\(dlq.map { String(decoding: $0.value.prefix(400), as: UTF8.self) })")
        let letters = dlq.compactMap { try? JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any] }
        func letter(at offset: Int) -> [String: Any]? {
            letters.first { ($0["source"] as? [String: Any])?["offset"] as? Int == offset }
        }
        for (offset, original, code) in [(0, garbage, "malformed_json"), (1, padded, "output_too_large")] {
            let record = try #require(letter(at: offset), "no DLQ record for crm-\(suffix)/0@\(offset)")
            #expect(record["schema_version"] as? Int == 2)
            #expect(record["error_code"] as? String == code, "\(record)")
            #expect(record["original_base64"] == nil)
            #expect(record["original_size"] as? Int == original.count)
            #expect(record["original_sha256"] as? String == ContentVersion(of: original).sha256)
            #expect(record["original_prefix_base64"] as? String == Data(original.prefix(1024)).base64EncodedString())
            #expect((record["source"] as? [String: Any])?["topic"] as? String == "crm-\(suffix)")
        }
        let violations = try await schemaViolations(dlq.map(\.value), schema: "leadledger.dlq", directory: directory)
        #expect(violations.isEmpty, "\(violations)")

        // Every generated message was accepted, including those behind the oversized ones on their partition.
        // Inbound messages only: skip markers of rejected inputs and the model bootstrap's control event set apart.
        let repartition = try await readAll("identity-\(suffix)", partitions: 1, brokers: brokers)
        let accepted = repartition.filter { !$0.headers.contains { $0.key == RepartitionHeaders.skipped } && !isControlRepartition($0) }
        #expect(accepted.count == 300)
        // Both left a skip marker after their DLQ record, so the identity stage reports no gap.
        let markers = repartition.filter { $0.headers.contains { $0.key == RepartitionHeaders.skipped } }
        let reasons = markers.map { marker in
            let reason = marker.headers.first { $0.key == RepartitionHeaders.skipped }?.value.map { String(decoding: $0, as: UTF8.self) }
            return "\(sourcePosition(marker)) \(reason ?? "")"
        }
        #expect(reasons == ["crm-\(suffix)/0/0 rejected", "crm-\(suffix)/0/1 output_too_large"])
        #expect(markers.allSatisfy { $0.value.isEmpty })
        #expect(!run.stderr.contains("source_gap"), "\(run.stderr.suffix(2000))")
        #expect(
            accepted.contains {
                sourcePosition($0).hasPrefix("crm-\(suffix)/0/") && Int(sourcePosition($0).split(separator: "/").last ?? "") ?? 0 > 1
            })
        // And decided: one audit record per log event.
        // Canonical events only: the control records of the model bootstrap have no audit record.
        let log = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers).filter { !ControlRecords.isControl($0.headers) }
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        #expect(log.count > 0 && audit.count == log.count, "log \(log.count), audit \(audit.count)")

        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
    }
}

/// Produces records larger than librdkafka's default `message.max.bytes` and waits for their acknowledgements.
func produceLarge(_ topic: String, _ records: [(key: [UInt8], value: [UInt8])], partition: Int32, brokers: String) async throws {
    let configuration = KafkaProducerConfiguration(
        bootstrapServers: [brokers], clientID: "engine-tests", properties: ["message.max.bytes": "4000000"])
    let producer = try KafkaProducer(configuration: configuration, logger: testLogger)
    for record in records {
        try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: partition, key: record.key, value: record.value))
    }
    try await producer.flush(timeout: .seconds(60))
    let stats = producer.statistics
    await producer.close()
    if stats.failed > 0 { throw TestFailure("\(stats.failed) messages failed: \(stats.lastError.map { "\($0)" } ?? "")") }
}
