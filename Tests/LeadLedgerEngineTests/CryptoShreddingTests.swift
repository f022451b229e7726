import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import Testing

@testable import LeadLedgerEngine

/// Crypto-shredding without a broker: the master key file, keyed lead ids, the
/// sealing of personal fields and its determinism, and erasure (docs/privacy.md).
@Suite("Crypto-shredding")
struct CryptoShreddingTests {
    static let keyBytes = Array(repeating: UInt8(7), count: 32)
    static let master = MasterKey(bytes: keyBytes)

    static func temporaryFile(_ content: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "leadledger-master-\(UUID().uuidString)"
        try Data(content).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func masterKeyFileForms() throws {
        #expect(try MasterKey.load(environment: [:]) == nil)
        #expect(try MasterKey.load(environment: [MasterKey.environmentVariable: ""]) == nil)
        let hex = Self.keyBytes.map { String(format: "%02x", $0) }.joined()
        let base64 = Data(Self.keyBytes).base64EncodedString()
        let identifier = Identifier(.email, "jane@acme.io")
        for content in [Self.keyBytes, Array((hex + "\n").utf8), Array(base64.utf8)] {
            let path = try Self.temporaryFile(content)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let key = try #require(try MasterKey.load(environment: [MasterKey.environmentVariable: path]))
            #expect(key.leadIDScheme.derive(from: identifier) == Self.master.leadIDScheme.derive(from: identifier))
        }
    }

    /// Errors name the variable and the path, never the file's content.
    @Test func masterKeyErrorsNeverPrintTheKey() throws {
        let secret = "hunter2-not-a-valid-master-key"
        let path = try Self.temporaryFile(Array(secret.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try MasterKey.load(environment: [MasterKey.environmentVariable: path])
            Issue.record("an invalid key file was accepted")
        } catch {
            #expect(error.code == .masterKey)
            #expect("\(error)".contains(MasterKey.environmentVariable))
            #expect(!"\(error)".contains(secret))
        }
        do {
            _ = try MasterKey.load(environment: [MasterKey.environmentVariable: path + ".missing"])
            Issue.record("a missing key file was accepted")
        } catch {
            #expect("\(error)".contains(MasterKey.environmentVariable))
        }
    }

    /// Keyed ids differ from the unkeyed hash and between master keys; the plain
    /// scheme is the historical one, so logs written without a key keep their ids.
    @Test func leadIDsAreKeyedHashes() {
        let identifier = Identifier(.email, "jane@acme.io")
        let keyed = Self.master.leadIDScheme.derive(from: identifier)
        let other = MasterKey(bytes: Array(repeating: 9, count: 32)).leadIDScheme.derive(from: identifier)
        #expect(keyed != LeadID.derived(from: identifier))
        #expect(keyed != other)
        #expect(LeadIDScheme.plain.derive(from: identifier) == LeadID.derived(from: identifier))
        #expect(LeadIDScheme.plain.derive(from: identifier, attempt: 2) == LeadID.derived(from: identifier, attempt: 2))
    }

    static func attributesEvent(_ lead: LeadID) -> CanonicalEvent {
        CanonicalEvent(
            eventTime: EventTime(milliseconds: 1_700_000_000_000), leadID: lead, accountID: AccountID("acme.io"),
            lineage: Lineage(
                position: SourcePosition(topic: "crm.events", partition: 0, offset: 4), seq: 1, externalID: "e1", system: .crm),
            payload: .attributes([
                AttributeValue(.email, "jane.doe@acme.io"), AttributeValue(.firstName, "Jane"), AttributeValue(.lastName, "Zyxwvuts"),
                AttributeValue(.title, "VP Sales"),
            ]))
    }

    /// Sealed fields keep the email domain readable, repeat byte for byte, open
    /// back to the plaintext, and read `[erased]` once the key is erased.
    @Test func sealOpenAndErase() throws {
        let keyring = SubjectKeyring(master: Self.master)
        let sealer = PersonalDataSealer(keyring: keyring)
        let lead = LeadID(raw: 42)
        let event = Self.attributesEvent(lead)
        let sealed = sealer.seal(event)
        let bytes = String(decoding: sealed.encoded, as: UTF8.self)
        #expect(!bytes.contains("jane.doe"))
        #expect(!bytes.contains("Zyxwvuts"))
        #expect(bytes.contains("@acme.io"))
        #expect(bytes.contains("VP Sales"))
        #expect(keyring.hasPending)
        #expect(sealer.seal(event).encoded == sealed.encoded)
        let decoded = try CanonicalEvent(bytes: sealed.encoded)
        #expect(sealer.open(decoded) == event)

        keyring.erase(lead)
        let erased = sealer.open(decoded)
        guard case .attributes(let values) = erased.payload else {
            Issue.record("payload changed kind")
            return
        }
        #expect(values.map(\.value) == ["[erased]@acme.io", "[erased]", "[erased]", "VP Sales"])
        #expect(keyring.key(for: lead) == nil, "an erased subject never gets a new key")
        #expect(!String(decoding: sealer.seal(event).encoded, as: UTF8.self).contains("Zyxwvuts"))
    }

    /// Fields sealed before a merge use the absorbed lead's key: erasing the
    /// survivor erases it too, also through a chain of merges.
    @Test func erasingTheSurvivorErasesMergedLeads() {
        let keyring = SubjectKeyring(master: Self.master)
        let sealer = PersonalDataSealer(keyring: keyring)
        let (first, second, survivor, other) = (LeadID(raw: 1), LeadID(raw: 2), LeadID(raw: 3), LeadID(raw: 4))
        let sealed = [first, second, survivor, other].map { sealer.seal(Self.attributesEvent($0)) }
        keyring.merged(first, into: second)
        keyring.merged(second, into: survivor)
        keyring.erase(survivor)
        for (event, erased) in zip(sealed, [true, true, true, false]) {
            let opened = String(decoding: sealer.open(event).encoded, as: UTF8.self)
            #expect(opened.contains("Zyxwvuts") != erased)
        }
    }

    @Test func keyRecordsRoundTrip() throws {
        let lead = LeadID(raw: 7)
        for record in [
            SubjectKeyRecord.key(lead, wrapped: [1, 2, 3]), .tombstone(lead), .erasedMarker(lead), .merged(lead, into: LeadID(raw: 8)),
        ] {
            #expect(SubjectKeyRecord(key: Array(record.key.utf8), value: record.value) == record)
        }
        #expect(SubjectKeyRecord.tombstone(lead).value.isEmpty)
        #expect(SubjectKeyRecord(key: Array("nonsense".utf8), value: [1]) == nil)
    }

    /// The identity step with a master key: the log holds no email local part or
    /// surname, a second run with the same keys (a resumed or repeated run) writes
    /// the same bytes, and the materialize stage decides exactly the same whether
    /// the keys are there or every subject is erased: no decision input is sealed.
    @Test func sealedLogIsDeterministicAndDecisionsIgnoreTheCiphertext() throws {
        let (identity, _, topics) = ProductSnapshotTests.logs(messages: 600)
        let keyring = SubjectKeyring(master: Self.master)
        let sealer = PersonalDataSealer(keyring: keyring)
        let factory = IdentityFactory(topics: topics, sealer: sealer)
        func resolve() -> [LogRecord] {
            var processor = factory.makeProcessor(partition: 0)
            var events: [LogRecord] = []
            for record in identity {
                for output in processor.apply(record) where output.topic == topics.events {
                    events.append(
                        LogRecord(topic: topics.events, partition: 0, offset: Int64(events.count), key: output.key, value: output.value))
                }
            }
            return events
        }
        let events = resolve()
        // A repeated run (same keys) writes the same bytes, except for subjects
        // erased since: their repeats hold `[erased]` (the ledger ignores repeats).
        let repeated = resolve()
        #expect(repeated.count == events.count)
        var erasedRepeats = 0
        for (first, again) in zip(events, repeated) where first.value != again.value {
            let event = try CanonicalEvent(bytes: again.value)
            #expect(event.leadID.map(keyring.isErased) == true, "a repeat differs for a subject that was not erased")
            #expect(String(decoding: again.value, as: UTF8.self).contains("[erased]"))
            erasedRepeats += 1
        }
        #expect(erasedRepeats < events.count / 10)
        var sealedValues = 0
        for record in events {
            let event = try CanonicalEvent(bytes: record.value)
            var personal: [String] = []
            switch event.payload {
            case .identityLinked(let ids): personal = ids.filter { $0.kind == .email || $0.kind == .userID }.map(\.value)
            case .attributes(let values):
                personal = values.filter { [.email, .firstName, .lastName, .phone].contains($0.name) }.map(\.value)
            default: break
            }
            for value in personal {
                #expect(value.hasPrefix("enc1.") || value.hasPrefix("[erased]"), "plaintext personal field in the log")
                sealedValues += 1
            }
        }
        #expect(sealedValues > 100)

        func decide(_ sealer: PersonalDataSealer, _ log: [LogRecord]) -> [OutputRecord] {
            var processor = MaterializeFactory(topics: topics, decider: Decider(defaultDecisions), sealer: sealer).makeProcessor(
                partition: 0)
            return log.flatMap { processor.apply($0) }
        }
        let withKeys = decide(sealer, events)
        let opened = try events.map { record in
            var plain = record
            plain.value = sealer.open(try CanonicalEvent(bytes: record.value)).encoded
            return plain
        }
        let fromPlaintext = decide(sealer, opened)
        let noKeys = decide(PersonalDataSealer(keyring: SubjectKeyring(master: Self.master)), events)
        let audit = withKeys.filter { $0.topic == topics.audit }.map(\.value)
        #expect(audit.count >= events.count - 10)
        #expect(audit == fromPlaintext.filter { $0.topic == topics.audit }.map(\.value), "decisions read nothing sealed")
        #expect(audit == noKeys.filter { $0.topic == topics.audit }.map(\.value), "audit records are the same without the keys")
        let routing = withKeys.filter { $0.topic == topics.routing }
        #expect(routing.map(\.value) == fromPlaintext.filter { $0.topic == topics.routing }.map(\.value))
        let routingNoKeys = noKeys.filter { $0.topic == topics.routing }
        #expect(routing.count == routingNoKeys.count)
        var erasedEmails = 0
        for (a, b) in zip(routing, routingNoKeys) where a.value != b.value {
            #expect(ErasedRecordComparison.equalIgnoringErasedFields(expected: b.value, actual: a.value))
            erasedEmails += 1
        }
        #expect(erasedEmails > 0)
        let routingText = routing.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(routingText.contains { $0.contains("\"emails\":[\"") && !$0.contains("enc1.") }, "routing records carry opened emails")
        #expect(!routingText.contains { $0.contains("enc1.") })
        #expect(audit.allSatisfy { !String(decoding: $0, as: UTF8.self).contains("\"emails\":[\"") }, "no email in audit records")
    }
}
