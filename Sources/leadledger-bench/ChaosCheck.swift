import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// The chaos harness's checks, made from the topics alone once every stage has
/// caught up (`audit verify` is the harness's fifth check, run as a command):
///
/// 1. accounting: every inbound message is accepted (in the identity repartition
///    topic, by its source position) or rejected (in the DLQ, by its source);
/// 2. lineage: a clean single-process re-resolution of the repartition topic
///    (the identity stage's own code, from offset 0, no snapshot) derives log
///    events; every one of them is in the log, byte for byte, and the log holds
///    nothing else;
/// 3. audit: every log event that is not a repeat of an earlier one has exactly
///    one audit decision id (its log position's), and no audit id names no event;
/// 4. duplicates: every repeated record (repartition and DLQ by source position,
///    log by source position and sequence, audit and routing by decision id) is
///    byte-identical to its first copy.
///
/// An input missing from every place it could be is `lost`; a record that
/// differs from its other copies or from the re-derivation is `divergent`;
/// `duplicates` counts the extra, identical copies.
struct ChaosCheck {
    let configuration: EngineConfiguration
    let reader: LogReader
    let logger: Logger

    func run() async throws -> ChaosResult {
        var result = ChaosResult()
        let topics = configuration.topics
        let counts = configuration.partitions
        var inbound: [LogRecord] = []
        for topic in topics.inbound {
            inbound += try await reader.readAll(topic: topic, partitions: counts.inbound)
        }
        let repartition = try await reader.readAll(topic: topics.identity, partitions: counts.identity)
        let dlq = try await reader.readAll(topic: topics.dlq, partitions: counts.outputs)
        let log = try await reader.readAll(topic: topics.events, partitions: counts.events)
        let audit = try await reader.readAll(topic: topics.audit, partitions: counts.outputs)
        let routing = try await reader.readAll(topic: topics.routing, partitions: counts.outputs)

        accounting(inbound: inbound, repartition: repartition, dlq: dlq, into: &result)
        try await lineage(log: log, into: &result)
        auditIDs(log: log, audit: audit, into: &result)
        duplicates("repartition", repartition, key: Self.repartitionSource, into: &result)
        duplicates("dlq", dlq, key: Self.deadLetterSource, into: &result)
        duplicates("log", log, key: Self.eventSource, into: &result)
        duplicates("audit", audit, key: Self.decisionID, into: &result)
        duplicates("routing", routing, key: Self.decisionID, into: &result)
        result.note(
            "records: inbound \(inbound.count), repartition \(repartition.count), dlq \(dlq.count), log \(log.count), audit \(audit.count), routing \(routing.count)"
        )
        return result
    }

    private func accounting(inbound: [LogRecord], repartition: [LogRecord], dlq: [LogRecord], into result: inout ChaosResult) {
        let accepted = Set(repartition.compactMap(Self.repartitionSource))
        let rejected = Set(dlq.compactMap(Self.deadLetterSource))
        var missing: [String] = []
        for record in inbound {
            let position = "\(record.topic)[\(record.partition)]@\(record.offset)"
            if !accepted.contains(position) && !rejected.contains(position) {
                missing.append(position)
            }
        }
        result.lost += missing.count
        result.check(
            "accounting", missing.isEmpty,
            "\(inbound.count) inbound: \(accepted.count) accepted, \(rejected.count) rejected, \(missing.count) in neither"
                + Self.sample(missing))
    }

    private func lineage(log: [LogRecord], into result: inout ChaosResult) async throws {
        var factory = IdentityFactory(topics: configuration.topics)
        factory.logPartitions = configuration.partitions.events
        let replayer = Replayer(reader: reader, store: nil, factory: factory, logger: logger)
        let derived = DerivedEvents()
        for partition in Int32(0)..<configuration.partitions.identity {
            _ = try await replayer.replay(topic: configuration.topics.identity, partition: partition, from: 0, to: nil) { _, outputs in
                for output in outputs where output.topic == configuration.topics.events {
                    derived.add(output.value)
                }
            }
        }
        let expected = derived.values
        var inLog: [String: [UInt8]] = [:]
        for record in log {
            guard let source = Self.eventSource(record) else { continue }
            inLog[source] = inLog[source] ?? record.value
        }
        var missing: [String] = []
        var differing: [String] = []
        var expectedSources = Set<String>()
        for value in expected {
            guard let source = Self.eventSource(value) else { continue }
            expectedSources.insert(source)
            guard let found = inLog[source] else {
                missing.append(source)
                continue
            }
            if found != value {
                differing.append(source)
            }
        }
        let unexpected = inLog.keys.filter { !expectedSources.contains($0) }.sorted()
        result.lost += missing.count
        result.divergent += differing.count + unexpected.count
        result.check(
            "lineage", missing.isEmpty && differing.isEmpty && unexpected.isEmpty,
            "\(expected.count) events re-derived from the repartition topic: \(missing.count) missing from the log, \(differing.count) different, \(unexpected.count) in the log but not derived"
                + Self.sample(missing + differing + unexpected))
    }

    private func auditIDs(log: [LogRecord], audit: [LogRecord], into result: inout ChaosResult) {
        var auditByID: [String: Set<[UInt8]>] = [:]
        for record in audit {
            guard let id = Self.decisionID(record) else { continue }
            auditByID[id, default: []].insert(record.value)
        }
        var audited = Set<String>()
        var unaudited: [String] = []
        var repeatsWithAudit: [String] = []
        var seen: [Int32: Set<[UInt8]>] = [:]
        // Control records (model activation) are applied without an audit record.
        for record in log.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) })
        where !ControlRecords.isControl(record.headers) {
            let id = DecisionID.make(partition: record.partition, offset: record.offset, kind: "audit").text
            let isRepeat = !seen[record.partition, default: []].insert(record.value).inserted
            let position = "\(record.topic)[\(record.partition)]@\(record.offset)"
            if auditByID[id] != nil {
                audited.insert(id)
                if isRepeat {
                    repeatsWithAudit.append(position)
                }
            } else if !isRepeat {
                unaudited.append(position)
            }
        }
        let orphans = auditByID.keys.filter { !audited.contains($0) }.sorted()
        result.lost += unaudited.count
        result.divergent += repeatsWithAudit.count + orphans.count
        result.check(
            "audit ids", unaudited.isEmpty && repeatsWithAudit.isEmpty && orphans.isEmpty,
            "\(audited.count) log events with one audit id, \(unaudited.count) without, \(repeatsWithAudit.count) repeated events with one, \(orphans.count) audit ids naming no event"
                + Self.sample(unaudited + repeatsWithAudit + orphans))
    }

    private func duplicates(_ name: String, _ records: [LogRecord], key: (LogRecord) -> String?, into result: inout ChaosResult) {
        var first: [String: [UInt8]] = [:]
        var extra = 0
        var differing: [String] = []
        for record in records {
            guard let k = key(record) else { continue }
            guard let earlier = first[k] else {
                first[k] = record.value
                continue
            }
            extra += 1
            if earlier != record.value {
                differing.append(k)
            }
        }
        result.duplicates += extra
        result.divergent += differing.count
        result.check(
            "duplicates (\(name))", differing.isEmpty,
            "\(extra) repeated records, \(differing.count) not byte-identical" + Self.sample(differing))
    }

    private static func sample(_ items: [String]) -> String {
        items.isEmpty ? "" : "; first: " + items.prefix(5).joined(separator: ", ")
    }

    static func header(_ record: LogRecord, _ name: String) -> String? {
        record.headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The inbound position a forwarded repartition record names (nil for a skip
    /// marker: its input is accounted for by its DLQ record).
    static func repartitionSource(_ record: LogRecord) -> String? {
        guard let input = try? RepartitionInput(record), !input.isSkipMarker else { return nil }
        return "\(input.source.topic)[\(input.source.partition)]@\(input.source.offset)"
    }

    /// The inbound position a DLQ record names (`source`).
    static func deadLetterSource(_ record: LogRecord) -> String? {
        guard let fields = try? Fields.record(record.value), let source = try? fields.requiredObject("source"),
            let topic = try? source.requiredString("topic"), let partition = try? source.nonNegativeInteger("partition"),
            let offset = try? source.nonNegativeInteger("offset")
        else { return nil }
        return "\(topic)[\(partition)]@\(offset)"
    }

    /// A log event's lineage: its source position and sequence number.
    static func eventSource(_ record: LogRecord) -> String? {
        eventSource(record.value)
    }

    static func eventSource(_ value: [UInt8]) -> String? {
        guard let event = try? CanonicalEvent(bytes: value) else { return nil }
        let p = event.lineage.position
        return "\(p.topic)[\(p.partition)]@\(p.offset)#\(event.lineage.seq)"
    }

    static func decisionID(_ record: LogRecord) -> String? {
        header(record, OutputHeaders.decisionID)
    }
}
