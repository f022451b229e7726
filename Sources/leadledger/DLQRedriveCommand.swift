import ArgumentParser
import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger dlq redrive`: re-produce rejected originals to their source topic
/// once their cause is fixed, and remember what was re-produced.
struct DLQRedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Re-produce the originals of DLQ records with one error code to their source topic, once.",
        discussion: """
            Reads every partition of the DLQ topic to its end and selects the records with
            --code (and, with --since, written at or after that time). Each selected
            original goes back to its source topic with its original key and a header
            leadledger-redrive-of: dlq/<partition>/<offset>: a copy record's bytes, or for
            a reference record (an original too large to copy) the bytes read back from
            its source offset and checked against the recorded SHA-256. After the broker
            acknowledges it, a marker keyed dlq/<partition>/<offset> goes to the compacted
            topic <dlq>.redriven, so running the command again repeats nothing.
            Records the materialize stage wrote (their source is the canonical log) are
            not re-produced: fix their cause and replay instead. Neither are records the
            identity step wrote from a binary repartition record (repartition_form): the
            message passed validation, and what they hold is that record, not the message.
            Prints one line per outcome and a total; --dry-run counts without producing.
            Exits 3 when a re-produced original was not delivered.

            Examples:
              leadledger dlq redrive --config leadledger.yaml --code timestamp_out_of_range --dry-run
              leadledger dlq redrive --config leadledger.yaml --code schema_violation --since 2026-12-01T00:00:00Z
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "The error code of the records to redrive (e.g. schema_violation, timestamp_out_of_range).")
    var code: String

    @Option(help: "Only records written to the DLQ at or after this RFC 3339 time.")
    var since: String?

    @Flag(help: "Count what would be redriven; produce nothing.")
    var dryRun = false

    @Option(help: "Output: text (default) or json (one object).")
    var format: ReportFormat = .text

    func validate() throws {
        guard ContractError.Code(rawValue: code) != nil else {
            throw ValidationError(
                "--code '\(code)' is not an error code (one of \(ContractError.Code.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let since, EventTime.parseRFC3339(since) == nil { throw ValidationError("--since '\(since)' is not an RFC 3339 time") }
    }

    /// What the command did, per outcome.
    struct Report: Encodable {
        var code: String
        var dryRun: Bool
        var examined = 0
        var selected = 0
        var redriven = 0
        var skipped: [String: Int] = [:]
        var unreadable = 0

        enum CodingKeys: String, CodingKey {
            case code, examined, selected, redriven, skipped, unreadable
            case dryRun = "dry_run"
        }
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.dlq")
        let configuration = try engine.resolve(connection)
        let dlq = configuration.topics.dlq
        let markerTopic = DeadLetterRedrive.markerTopic(dlq: dlq)
        let since = self.since.flatMap(EventTime.parseRFC3339)?.milliseconds
        let reader = LogReader(client: configuration.client("leadledger-dlq"), logger: logger)
        if !dryRun { try await ensureMarkerTopic(markerTopic, configuration: configuration, logger: logger) }

        // What earlier runs re-produced.
        var markers = Set<String>()
        for partition in (try? await partitions(of: markerTopic, configuration: configuration, logger: logger)) ?? [] {
            try await reader.read(topic: markerTopic, partition: partition, from: 0, to: nil) { records in
                for record in records { if let key = record.key { markers.insert(String(decoding: key, as: UTF8.self)) } }
            }
        }

        var report = Report(code: code, dryRun: dryRun)
        var selected: [(letter: DeadLetter, partition: Int32, offset: Int64)] = []
        let inbound = Set(configuration.topics.inbound)
        for partition in try await partitions(of: dlq, configuration: configuration, logger: logger) {
            try await reader.read(topic: dlq, partition: partition, from: 0, to: nil) { records in
                for record in records {
                    report.examined += 1
                    guard let letter = try? DeadLetter(bytes: record.value) else {
                        report.unreadable += 1
                        continue
                    }
                    guard letter.error.code.rawValue == code else { continue }
                    if let since, (record.timestampMilliseconds ?? .min) < since { continue }
                    report.selected += 1
                    switch DeadLetterRedrive.verdict(
                        letter, partition: partition, offset: record.offset, markers: markers, inboundTopics: inbound)
                    {
                    case .redrive: selected.append((letter, partition, record.offset))
                    case .skip(let why): report.skipped[why.rawValue, default: 0] += 1
                    }
                }
            }
        }

        let producer =
            dryRun
            ? nil
            : try KafkaProducer(
                configuration: KafkaProducerConfiguration(
                    bootstrapServers: configuration.brokers, clientID: "leadledger-dlq-redrive", properties: configuration.properties),
                logger: logger)
        var failure: (any Error)?
        for item in selected {
            guard let original = try await original(of: item.letter, reader: reader) else {
                report.skipped[DeadLetterRedrive.Skip.originalMissing.rawValue, default: 0] += 1
                continue
            }
            guard let producer else {
                report.redriven += 1
                continue
            }
            let markerKey = DeadLetterRedrive.markerKey(partition: item.partition, offset: item.offset)
            do {
                let delivered = try await producer.send(
                    KafkaProducerMessage(
                        topic: item.letter.source.topic, key: original.key, value: original.value,
                        headers: [KafkaHeader(key: DeadLetterRedrive.header, value: Array(markerKey.utf8))]))
                _ = try await producer.send(
                    KafkaProducerMessage(
                        topic: markerTopic, key: Array(markerKey.utf8),
                        value: DeadLetterRedrive.marker(
                            item.letter, partition: item.partition, offset: item.offset,
                            redrivenTo: (delivered.topic, delivered.partition, delivered.offset))))
                report.redriven += 1
            } catch {
                failure = error
                break
            }
        }
        if let producer {
            try? await producer.flush(timeout: .seconds(30))
            await producer.close()
        }
        switch format {
        case .json: StandardOutput.write(try ReportFormat.json(report))
        case .text:
            var text = ""
            for (why, count) in report.skipped.sorted(by: { $0.key < $1.key }) { text += "skipped \(count) \(code): \(why)\n" }
            if report.unreadable > 0 { text += "unreadable DLQ records: \(report.unreadable)\n" }
            text +=
                "dlq redrive: \(code): \(report.redriven) \(dryRun ? "would be redriven" : "redriven") of \(report.selected) selected (\(report.examined) DLQ records read)\n"
            StandardOutput.write(text)
        }
        if let failure { throw RuntimeFailure("redrive stopped: an original was not delivered: \(failure)") }
    }

    /// The original's key and bytes: the copy, or the referenced record read back and checked.
    func original(of letter: DeadLetter, reader: LogReader) async throws -> (key: [UInt8]?, value: [UInt8])? {
        switch letter.original {
        case .copy(let bytes): return (letter.originalKey, bytes)
        case .reference(let reference):
            var found: LogRecord?
            try await reader.read(
                topic: letter.source.topic, partition: letter.source.partition, from: letter.source.offset, to: letter.source.offset + 1
            ) { records in found = records.first { $0.offset == letter.source.offset } }
            guard let found, found.value.count == reference.size, ContentVersion(of: found.value).sha256 == reference.sha256 else {
                return nil
            }
            return (found.key ?? letter.originalKey, found.value)
        }
    }

    /// Creates the compacted marker topic when it does not exist.
    func ensureMarkerTopic(_ name: String, configuration: EngineConfiguration, logger: Logger) async throws {
        let admin = try KafkaAdminClient(
            configuration: KafkaAdminConfiguration(bootstrapServers: configuration.brokers, properties: configuration.properties),
            logger: logger)
        do {
            let existing = Set(try await admin.listTopics().map(\.name))
            if !existing.contains(name) {
                let results = try await admin.createTopics([
                    KafkaNewTopic(
                        name: name, partitions: 1, replicationFactor: configuration.replicationFactor,
                        configs: ["cleanup.policy": "compact", "retention.ms": "-1"])
                ])
                if let error = results[name] ?? nil, error.code != .topicAlreadyExists { throw error }
            }
            await admin.close()
        } catch {
            await admin.close()
            throw error
        }
    }
}
