import Foundation
import LeadLedgerCore
import LeadLedgerDecisions

/// The fuzz targets this binary runs, one per decoder family. libFuzzer has a
/// single entry point, so the target is chosen once, at start, from the
/// `LEADLEDGER_FUZZ_TARGET` environment variable (`scripts/fuzz` sets it).
///
/// Every target feeds arbitrary bytes to a decoder that reads untrusted or
/// stored data. A decoder may reject the bytes (a thrown, typed error); it must
/// never crash, and what it accepts must survive its own codec unchanged.
enum FuzzTarget: String, CaseIterable {
    /// `web.events` (Segment) through the inbound decoder, then identity resolution.
    case web
    /// `email.events` (SendGrid batches) through the inbound decoder, then identity resolution.
    case email
    /// `crm.events` through the inbound decoder, then identity resolution.
    case crm
    /// `leadledger.events`: decode, re-encode; the re-encoding decodes to the same
    /// event and is a fixed point of the codec.
    case canonical
    /// The snapshot codecs (identity resolver, ledger, decision state): decode
    /// arbitrary bytes; what decodes re-encodes to bytes that restore to the same bytes.
    case snapshot
    /// The typed record views of `leadledger.routing` and `leadledger.audit`, and the
    /// JSON reader under every record (`leadledger.dlq` included): parse, write
    /// canonically, parse again to the same value.
    case record
    /// The identity repartition topic's binary form (`RepartitionRecord`): decode
    /// arbitrary bytes; what decodes re-encodes to bytes that decode to the same bytes.
    case repartition

    /// The target named by `LEADLEDGER_FUZZ_TARGET`; stops the process with a
    /// usage message when it is missing or unknown.
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["LEADLEDGER_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("LEADLEDGER_FUZZ_TARGET must be one of: \(names)\n".utf8))
            exit(2)
        }
        return target
    }()

    /// Runs this target on one input.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .web: Self.inbound(.web, bytes)
        case .email: Self.inbound(.email, bytes)
        case .crm: Self.inbound(.crm, bytes)
        case .canonical: Self.canonical(bytes)
        case .snapshot: Self.snapshot(bytes)
        case .record: Self.record(bytes)
        case .repartition: Self.repartition(bytes)
        }
    }

    private static func inbound(_ topic: InboundTopic, _ bytes: [UInt8]) {
        guard let events = try? InboundDecoder().decode(topic: topic, bytes: bytes) else { return }
        var resolver = IdentityResolver()
        let position = SourcePosition(topic: topic.rawValue, partition: 0, offset: 0)
        for event in resolver.resolve(events, at: position) {
            roundTrip(event)
        }
    }

    private static func canonical(_ bytes: [UInt8]) {
        guard let event = try? CanonicalEvent(bytes: bytes) else { return }
        roundTrip(event)
    }

    /// An accepted event re-encodes to bytes that decode to the same event, and
    /// encoding that again gives the same bytes.
    private static func roundTrip(_ event: CanonicalEvent) {
        let encoded = event.encoded
        guard let again = try? CanonicalEvent(bytes: encoded) else {
            fatalError("an encoded canonical event does not decode: \(String(decoding: encoded, as: UTF8.self))")
        }
        precondition(again == event, "decode(encode(e)) != e: \(String(decoding: encoded, as: UTF8.self))")
        precondition(again.encoded == encoded, "the canonical encoding is not a fixed point")
    }

    private static func snapshot(_ bytes: [UInt8]) {
        snapshotDecoders(bytes)
        // The core snapshots carry a length and a CRC-32 that random mutations break:
        // try each input a second time with both made right, to reach the payload decoders.
        if let sealed = SnapshotSeal.sealed(bytes), sealed != bytes {
            snapshotDecoders(sealed)
        }
    }

    private static func snapshotDecoders(_ bytes: [UInt8]) {
        // Compared as bytes, not values: a snapshot may hold a NaN counter, and NaN != NaN.
        if let resolver = try? IdentityResolver(snapshot: bytes) {
            let written = resolver.snapshotBytes()
            let again = try? IdentityResolver(snapshot: written)
            precondition(again?.snapshotBytes() == written, "an accepted resolver snapshot does not restore to the same bytes")
        }
        if let ledger = try? Ledger(snapshot: bytes) {
            let written = ledger.snapshotBytes()
            let again = try? Ledger(snapshot: written)
            precondition(again?.snapshotBytes() == written, "an accepted ledger snapshot does not restore to the same bytes")
        }
        if let state = try? DecisionState(snapshot: bytes) {
            let written = state.snapshotBytes()
            let again = try? DecisionState(snapshot: written)
            precondition(again?.snapshotBytes() == written, "an accepted decision-state snapshot does not restore to the same bytes")
        }
    }

    private static func repartition(_ bytes: [UInt8]) {
        // Compared as bytes, not values: a record may hold a NaN, and NaN != NaN.
        guard let record = try? RepartitionRecord(bytes: bytes) else { return }
        let written = record.encoded
        guard let again = try? RepartitionRecord(bytes: written) else {
            fatalError("an encoded repartition record does not decode: \(written)")
        }
        precondition(again.encoded == written, "the repartition record's encoding is not a fixed point")
    }

    private static func record(_ bytes: [UInt8]) {
        _ = try? RoutingRecordView(bytes)
        _ = try? AuditRecordView(bytes)
        guard let value = try? JSONParser.parse(bytes) else { return }
        let written = CanonicalJSON.encode(value)
        guard let reread = try? JSONParser.parse(written) else {
            fatalError("canonical JSON does not parse: \(String(decoding: written, as: UTF8.self))")
        }
        precondition(CanonicalJSON.encode(reread) == written, "canonical JSON is not a fixed point")
    }
}
