import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import TestSupport
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

    /// Free text: a lead custom field's string value is sealed unless the field
    /// is listed as clear (numbers and booleans stay clear); a content keeps its
    /// part before the first `?` or `#` readable and seals the rest. Both repeat
    /// byte for byte, open back, and read `[erased]` once the key is erased.
    @Test func freeTextCustomFieldsAndContentQueries() async throws {
        let keyring = SubjectKeyring(master: Self.master)
        let sealer = PersonalDataSealer(keyring: keyring, clearCustomFields: ["Budget__c"])
        let lead = LeadID(raw: 43)
        let long = String(repeating: "Zyxwvuts ", count: 28) + "1234"
        #expect(long.utf8.count == CustomField.maximumStringBytes)
        var custom = Self.attributesEvent(lead)
        custom.payload = .customFields([
            CustomField("Budget__c", .string("high")), CustomField("Long__c", .string(long)),
            CustomField("Notes__c", .string("call Zyxwvuts")), CustomField("Seats__c", .number(12)),
            CustomField("Vip__c", .bool(true)),
        ])
        var click = Self.attributesEvent(lead)
        click.payload = .engagement(
            Engagement(action: .click, category: .pricing, content: "https://acme.io/pricing?email=jane.doe%40acme.io#plans"))
        var page = Self.attributesEvent(lead)
        page.payload = .engagement(Engagement(action: .pageView, category: .docs, content: "/docs#Zyxwvuts"))
        var plain = Self.attributesEvent(lead)
        plain.payload = .engagement(Engagement(action: .pageView, category: .docs, content: "/docs/api"))

        var clearOnly = custom
        clearOnly.payload = .customFields([CustomField("Budget__c", .string("high")), CustomField("Seats__c", .number(12))])
        #expect(sealer.seal(plain) == plain && sealer.seal(clearOnly) == clearOnly)
        #expect(!keyring.hasPending, "no key is issued for an event with nothing to seal")
        let sealed = try [custom, click, page, plain].map { try CanonicalEvent(bytes: sealer.seal($0).encoded) }
        let text = sealed.map { String(decoding: $0.encoded, as: UTF8.self) }.joined()
        #expect(!text.contains("Zyxwvuts") && !text.contains("jane.doe") && !text.contains("plans"))
        #expect(try [custom, click, page, plain].map { try CanonicalEvent(bytes: sealer.seal($0).encoded) } == sealed, "repeats")
        guard case .customFields(let fields) = sealed[0].payload, case .engagement(let sealedClick) = sealed[1].payload,
            case .engagement(let sealedPage) = sealed[2].payload
        else {
            Issue.record("payload changed kind")
            return
        }
        #expect(fields[0].value == .string("high") && fields[3].value == .number(12) && fields[4].value == .bool(true))
        for i in [1, 2] {
            guard case .string(let value) = fields[i].value else { continue }
            #expect(value.hasPrefix("enc1.") && value.utf8.count <= CustomField.maximumSealedStringBytes, "\(value)")
        }
        #expect(sealedClick.content?.hasPrefix("https://acme.io/pricing?enc1.") == true)
        #expect(sealedClick.clearContent == "https://acme.io/pricing")
        #expect(sealedPage.content?.hasPrefix("/docs?enc1.") == true && sealedPage.clearContent == "/docs")
        #expect(sealed[3] == plain, "a content without query or fragment is unchanged")
        var track = Self.attributesEvent(lead)
        track.payload = .engagement(Engagement(action: .track, category: .other, content: "Form Submitted#step2"))
        #expect(sealer.seal(track) == track, "a tracked event's name is no URL: the forms count reads it whole")
        #expect(sealed.map(sealer.open) == [custom, click, page, plain])
        let directory = NSTemporaryDirectory() + "leadledger-sealed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let violations = try await schemaViolations(sealed.map(\.encoded), schema: "leadledger.events", directory: directory)
        #expect(violations.isEmpty, "the sealed form follows the contract: \(violations)")

        // Another process meets the sealed content before it has the key.
        let other = PersonalDataSealer(keyring: SubjectKeyring(master: Self.master))
        #expect(other.namesUnknownSubject(sealed[1].encoded))
        #expect(!other.namesUnknownSubject(plain.encoded))

        keyring.erase(lead)
        let erased = sealed.map(sealer.open)
        guard case .customFields(let erasedFields) = erased[0].payload, case .engagement(let erasedClick) = erased[1].payload,
            case .engagement(let erasedPage) = erased[2].payload
        else {
            Issue.record("payload changed kind")
            return
        }
        #expect(erasedFields.map(\.value) == [.string("high"), .string("[erased]"), .string("[erased]"), .number(12), .bool(true)])
        #expect(erasedClick.content == "https://acme.io/pricing?[erased]" && erasedPage.content == "/docs?[erased]")
        #expect(erasedClick.clearContent == "https://acme.io/pricing")
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
    /// Free text where a seeded workload has none: custom CRM fields on every
    /// CRM lead (`Budget__c`, which a custom feature reads, a free-text
    /// `Notes__c` with the person's name, a number and a boolean), a query with
    /// the email on clicked URLs and a query on page paths.
    static func withFreeText(_ message: GeneratedMessage) -> [UInt8] {
        var text = String(decoding: message.value, as: UTF8.self)
        func append(_ suffix: String, toValueOf member: String) {
            guard let start = text.range(of: "\"\(member)\":\""),
                let end = text[start.upperBound...].firstIndex(of: "\"")
            else { return }
            text.insert(contentsOf: suffix, at: end)
        }
        if text.contains(#""lead":{"email":""#), let last = text.range(of: #""last_name":""#) {
            let surname = text[last.upperBound...].prefix { $0 != "\"" }
            let budget = text.utf8.count % 2 == 0 ? "high" : "low"
            text = text.replacingOccurrences(
                of: #""lead":{"email":""#,
                with:
                    #""lead":{"custom":{"Budget__c":"\#(budget)","Notes__c":"call \#(surname) after 5pm","Seats__c":12,"Champion__c":true},"email":""#
            )
        }
        if text.contains(#""type":"page""#) {
            append("?ref=form&visitor=\(message.key)", toValueOf: "path")
        } else if text.contains(#""event":"click""#), let email = text.range(of: #""email":""#) {
            let address = text[email.upperBound...].prefix { $0 != "\"" }
            append("?email=\(address)&utm_source=form", toValueOf: "url")
        }
        return Array(text.utf8)
    }

    /// The repository's decision configuration plus custom features on lead
    /// fields `Budget__c` (categorical) and `Seats__c` (numeric), from a copy of `config/`.
    static func decisionsWithCustomFeatures() throws -> DecisionConfiguration {
        let directory = NSTemporaryDirectory() + "leadledger-custom-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ["model.json", "points.yaml", "routing.yaml"] {
            try FileManager.default.copyItem(
                atPath: repoRoot.appendingPathComponent("config/\(file)").path, toPath: directory + "/" + file)
        }
        let scoring =
            try String(contentsOfFile: defaultScoringFile, encoding: .utf8)
                + """

                custom_features:
                  - {field: Budget__c, of: lead, kind: categorical, values: [high, low], direction: positive}
                  - {field: Seats__c, kind: numeric, clip: [0, 1000], direction: positive}

                """
        try scoring.write(toFile: directory + "/scoring.yaml", atomically: true, encoding: .utf8)
        var configuration = EngineConfiguration()
        configuration.scoringFile = directory + "/scoring.yaml"
        configuration.routingFile = directory + "/routing.yaml"
        return try configuration.decisionConfiguration()
    }

    /// A seeded workload with free text in custom fields and content, resolved
    /// with a master key: repeats are byte-identical, every personal field (free
    /// text included) is sealed, and the decisions made from the sealed log
    /// equal those made from its plaintext: a sealed value that a decision read
    /// would change the audit records (the last check shows it does).
    @Test func sealedLogIsDeterministicAndDecisionsIgnoreTheCiphertext() async throws {
        let (identity, _, topics) = ProductSnapshotTests.logs(messages: 600, rewrite: Self.withFreeText)
        let decisions = try Self.decisionsWithCustomFeatures()
        let keyring = SubjectKeyring(master: Self.master)
        let clear = EngineConfiguration().clearCustomFieldSet(reading: decisions)
        #expect(clear == ["Budget__c", "Seats__c"])
        let sealer = PersonalDataSealer(keyring: keyring, clearCustomFields: clear)
        func resolve(_ sealer: PersonalDataSealer) -> [LogRecord] {
            var processor = IdentityFactory(topics: topics, sealer: sealer).makeProcessor(partition: 0)
            var events: [LogRecord] = []
            for record in identity {
                for output in processor.apply(record) where output.topic == topics.events {
                    events.append(
                        LogRecord(topic: topics.events, partition: 0, offset: Int64(events.count), key: output.key, value: output.value))
                }
            }
            return events
        }
        let events = resolve(sealer)
        // A repeated run (same keys) writes the same bytes, except for subjects
        // erased since: their repeats hold `[erased]` (the ledger ignores repeats).
        let repeated = resolve(sealer)
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
        var sealedFreeText = 0
        var sealedContent = 0
        var clearBudgets = 0
        for record in events {
            let event = try CanonicalEvent(bytes: record.value)
            var personal: [String] = []
            switch event.payload {
            case .identityLinked(let ids): personal = ids.filter { $0.kind == .email || $0.kind == .userID }.map(\.value)
            case .attributes(let values):
                personal = values.filter { [.email, .firstName, .lastName, .phone].contains($0.name) }.map(\.value)
            case .customFields(let fields):
                for field in fields {
                    switch (field.key, field.value) {
                    case ("Notes__c", .string(let value)):
                        personal.append(value)
                        sealedFreeText += 1
                    case ("Budget__c", .string(let value)):
                        #expect(value == "high" || value == "low", "a custom field a feature reads is sealed")
                        clearBudgets += 1
                    case ("Seats__c", let value): #expect(value == .number(12))
                    case ("Champion__c", let value): #expect(value == .bool(true))
                    default: Issue.record("unexpected custom field \(field.key)")
                    }
                }
            case .engagement(let engagement):
                guard let content = engagement.content, content.contains("?") || content.contains("#") else { break }
                let sealed = content.split(separator: "?", maxSplits: 1)
                #expect(sealed.count == 2 && !sealed[0].contains("#"), "\(content)")
                personal.append(String(sealed.last ?? ""))
                sealedContent += 1
            default: break
            }
            for value in personal {
                #expect(value.hasPrefix("enc1.") || value.hasPrefix("[erased]"), "plaintext personal field in the log: \(value)")
                sealedValues += 1
            }
            let text = String(decoding: record.value, as: UTF8.self)
            #expect(!text.contains("after 5pm") && !text.contains("email=") && !text.contains("visitor="))
        }
        #expect(sealedValues > 100)
        #expect(sealedFreeText > 10 && clearBudgets == sealedFreeText && sealedContent > 20, "\(sealedFreeText), \(sealedContent)")
        // The sealed form is valid against the canonical event contract.
        let directory = NSTemporaryDirectory() + "leadledger-sealed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let violations = try await schemaViolations(events.map(\.value), schema: "leadledger.events", directory: directory)
        #expect(violations.isEmpty, "\(violations)")

        func decide(_ sealer: PersonalDataSealer, _ log: [LogRecord]) -> [OutputRecord] {
            var processor = MaterializeFactory(topics: topics, decider: Decider(decisions), sealer: sealer).makeProcessor(
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
        /// How many records of `a` and `b` differ (-1 when the counts do).
        func differences(_ a: [[UInt8]], _ b: [[UInt8]]) -> Int { a.count == b.count ? zip(a, b).count { $0 != $1 } : -1 }
        #expect(differences(audit, fromPlaintext.filter { $0.topic == topics.audit }.map(\.value)) == 0, "decisions read nothing sealed")
        #expect(
            differences(audit, noKeys.filter { $0.topic == topics.audit }.map(\.value)) == 0, "audit records are the same without the keys")
        let routing = withKeys.filter { $0.topic == topics.routing }
        #expect(differences(routing.map(\.value), fromPlaintext.filter { $0.topic == topics.routing }.map(\.value)) == 0)
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

        // The comparison can fail: with `Budget__c` sealed too, its feature reads ciphertext.
        let sealingEverything = PersonalDataSealer(keyring: keyring, clearCustomFields: [])
        let budgetSealed = decide(sealingEverything, resolve(sealingEverything)).filter { $0.topic == topics.audit }.map(\.value)
        #expect(differences(budgetSealed, audit) > 0, "a sealed custom field that a feature reads changes the decisions")
    }
}
