import Foundation
import LeadLedgerCore
import LeadLedgerDecisions

/// Derives the `canonical`, `snapshot` and `repartition` seed corpora from the inbound ones:
/// the inbound seeds (copies of the contract fixtures) are decoded and resolved
/// in one identity resolver, in corpus order; every canonical event it emits
/// becomes a `canonical` seed, and the resolver's and a ledger's snapshots after
/// all of them (plus an empty decision state) become `snapshot` seeds, and each
/// accepted inbound seed as the validate stage forwards it a `repartition` seed.
enum SeedWriter {
    static func runIfRequested() {
        guard let root = ProcessInfo.processInfo.environment["LEADLEDGER_FUZZ_WRITE_SEEDS"] else { return }
        do {
            try write(root: URL(fileURLWithPath: root))
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("writing seeds failed: \(error)\n".utf8))
            exit(1)
        }
    }

    private static func write(root: URL) throws {
        let fm = FileManager.default
        var resolver = IdentityResolver()
        var ledger = Ledger()
        var events: [CanonicalEvent] = []
        var forwarded: [RepartitionRecord] = []
        for topic in [InboundTopic.crm, .web, .email] {
            let dir = root.appendingPathComponent(topic.shortName)
            let names = try fm.contentsOfDirectory(atPath: dir.path).sorted()
            for (offset, name) in names.enumerated() {
                let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))
                guard let inbound = try? InboundDecoder().decode(topic: topic, bytes: bytes) else { continue }
                let position = SourcePosition(topic: topic.rawValue, partition: 0, offset: Int64(offset))
                events += resolver.resolve(inbound, at: position)
                forwarded.append(RepartitionRecord(source: position, coversFrom: Int64(offset), payload: .inbound(topic, inbound)))
            }
        }
        for event in events {
            _ = ledger.apply(event)
        }
        let canonical = root.appendingPathComponent("canonical")
        let snapshot = root.appendingPathComponent("snapshot")
        try fm.createDirectory(at: canonical, withIntermediateDirectories: true)
        try fm.createDirectory(at: snapshot, withIntermediateDirectories: true)
        let repartition = root.appendingPathComponent("repartition")
        try fm.createDirectory(at: repartition, withIntermediateDirectories: true)
        for (i, record) in forwarded.enumerated() {
            try Data(record.encoded).write(to: repartition.appendingPathComponent(String(format: "record-%03d.bin", i)))
        }
        for (i, event) in events.enumerated() {
            try Data(event.encoded).write(to: canonical.appendingPathComponent(String(format: "event-%03d.json", i)))
        }
        try Data(resolver.snapshotBytes()).write(to: snapshot.appendingPathComponent("identity-resolver.bin"))
        try Data(ledger.snapshotBytes()).write(to: snapshot.appendingPathComponent("ledger.bin"))
        try Data(DecisionState().snapshotBytes()).write(to: snapshot.appendingPathComponent("decision-state-empty.bin"))
    }
}

extension InboundTopic {
    /// The corpus directory name of the topic's target (`crm`, `web`, `email`).
    fileprivate var shortName: String {
        switch self {
        case .crm: "crm"
        case .web: "web"
        case .email: "email"
        }
    }
}
