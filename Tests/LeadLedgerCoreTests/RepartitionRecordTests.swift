import Foundation
import Testing

@testable import LeadLedgerCore

/// The repartition topic's binary form: every field round-trips exactly, and
/// anything it did not write is rejected with an error, never a crash.
@Suite("RepartitionRecord binary form")
struct RepartitionRecordTests {
    static let source = SourcePosition(topic: "crm.events", partition: 2, offset: 1_234_567)

    /// Encodes, decodes, and checks the decoded record equals `record` and encodes to the same bytes.
    @discardableResult
    static func roundTrip(_ record: RepartitionRecord) throws -> [UInt8] {
        let bytes = record.encoded
        #expect(bytes.first == RepartitionRecord.magic && bytes.dropFirst().first == RepartitionRecord.version)
        let decoded = try RepartitionRecord(bytes: bytes)
        #expect(decoded == record)
        #expect(decoded.encoded == bytes)
        return bytes
    }

    static func inbound(_ contract: InboundTopic, _ events: [InboundEvent], coversFrom: Int64 = 1_234_560) -> RepartitionRecord {
        RepartitionRecord(source: source, coversFrom: coversFrom, payload: .inbound(contract, events))
    }

    static func crm(_ type: CRMEventType, _ payload: CRMEvent.Payload, recordID: String? = "00Q1") -> InboundEvent {
        .crm(
            CRMEvent(
                eventID: "evt-1", type: type, occurredAt: EventTime(milliseconds: 1_767_225_600_123), source: "salesforce",
                recordID: recordID, payload: payload))
    }

    static var fullPerson: CRMPersonFields {
        var p = CRMPersonFields()
        p.email = "Jöhn.Doe+tag@exämple.com"
        p.firstName = "Jöhn 😀"
        p.lastName = "Doe"
        p.title = "VP, Engineering"
        p.phone = "+1 (555) 010-0000"
        p.company = "ACME ▲ Corp"
        p.website = "https://acme.example"
        p.country = "US"
        p.state = "CA"
        p.employees = Int.max
        p.annualRevenue = -0.0
        p.industry = "Software"
        p.leadSource = "webinar"
        p.custom = [
            CustomField("Budget__c", .number(1.5e308)), CustomField("Flag__c", .bool(true)), CustomField("Off__c", .bool(false)),
            CustomField("Tiny__c", .number(-4.9e-324)), CustomField("Zeta__c", .string("ζ — \u{0}end")),
        ]
        return p
    }

    @Test("every CRM payload, with every optional field set and with none")
    func crmPayloads() throws {
        var account = CRMAccountFields(accountID: "001A")
        account.name = "ACME"
        account.domain = "acme.example"
        account.industry = "Software"
        account.employees = -42
        account.annualRevenue = 12_345_678.9
        account.country = "DE"
        account.ownerID = "005X"
        account.parentDomain = "parent.example"
        account.custom = [CustomField("Region__c", .string("EMEA"))]
        var opportunity = CRMOpportunityFields(opportunityID: "006O")
        opportunity.accountDomain = "acme.example"
        opportunity.stage = "Closed Won"
        opportunity.amount = 0.1 + 0.2
        opportunity.closeDate = "2026-12-31"
        opportunity.isClosed = true
        opportunity.isWon = false
        opportunity.contactEmails = ["a@acme.example", "b@acme.example"]
        var override = CRMOverrideFields()
        override.tier = .salesReady
        override.queue = "enterprise"
        override.ownerID = "005Y"
        override.setBy = "ops@acme.example"
        override.note = "pinned"
        var partialOverride = CRMOverrideFields()
        partialOverride.note = "only a note"
        let payloads: [(CRMEventType, CRMEvent.Payload)] = [
            (.leadCreated, .person(Self.fullPerson)), (.leadUpdated, .person(CRMPersonFields())),
            (.accountUpserted, .account(account)), (.accountUpserted, .account(CRMAccountFields(accountID: ""))),
            (.opportunityCreated, .opportunity(opportunity)),
            (.opportunityStageChanged, .opportunity(CRMOpportunityFields(opportunityID: "7"))),
            (.activityLogged, .activity(CRMActivityFields(kind: .emailReply, email: "x@y.example", outcome: "replied"))),
            (.activityLogged, .activity(CRMActivityFields(kind: .note, email: "x@y.example", outcome: nil))),
            (.leadConverted, .outcome(reason: "won", email: "x@y.example", opportunityID: "006O")),
            (.leadDisqualified, .outcome(reason: nil, email: nil, opportunityID: nil)),
            (.overrideSet, .override(override)), (.overrideSet, .override(partialOverride)), (.overrideCleared, .override(nil)),
            (.privacyErasure, .erasure(email: "gone@y.example")),
        ]
        for (type, payload) in payloads {
            try Self.roundTrip(Self.inbound(.crm, [Self.crm(type, payload)]))
            try Self.roundTrip(Self.inbound(.crm, [Self.crm(type, payload, recordID: nil)]))
        }
        for tier in Tier.allCases {
            var fields = CRMOverrideFields()
            fields.tier = tier
            try Self.roundTrip(Self.inbound(.crm, [Self.crm(.overrideSet, .override(fields))]))
        }
    }

    @Test("doubles keep their bit pattern: negative zero, extremes, NaN")
    func doubleBitPatterns() throws {
        for value in [-0.0, 0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, .nan, 1e-7] {
            var person = CRMPersonFields()
            person.annualRevenue = value
            person.custom = [CustomField("N__c", .number(value))]
            let bytes = Self.inbound(.crm, [Self.crm(.leadUpdated, .person(person))]).encoded
            let decoded = try RepartitionRecord(bytes: bytes)
            guard case .inbound(_, let events) = decoded.payload, case .crm(let event) = events.first,
                case .person(let fields) = event.payload, case .number(let custom) = fields.custom.first?.value
            else {
                Issue.record("not a person event: \(decoded)")
                continue
            }
            #expect(fields.annualRevenue?.bitPattern == value.bitPattern)
            #expect(custom.bitPattern == value.bitPattern)
            #expect(decoded.encoded == bytes)
        }
    }

    @Test("Segment calls of every type, with every optional field set and with none")
    func segmentCalls() throws {
        var traits = SegmentTraits()
        traits.email = "t@acme.example"
        traits.name = "Tee Ü"
        traits.firstName = "Tee"
        traits.lastName = "Ü"
        traits.title = "CTO"
        traits.phone = "+49 30 1234"
        traits.company = "ACME"
        traits.website = "acme.example"
        traits.domain = "acme.example"
        traits.country = "DE"
        traits.employees = 0
        traits.industry = "Retail"
        for type in SegmentCallType.allCases {
            let full = SegmentEvent(
                type: type, messageID: "m-1", userID: "u-1", anonymousID: "a-1", timestamp: EventTime(milliseconds: -62_135_596_800_000),
                event: "Signed Up", name: "Pricing", pageURL: "https://acme.example/pricing?x=1&y=ü", pagePath: "/pricing",
                referrer: "https://search.example", campaign: "spring", category: "docs", groupID: "g-1", traits: traits,
                ip: "2001:db8::1", userAgent: "Mozilla/5.0")
            let empty = SegmentEvent(
                type: type, messageID: "", userID: nil, anonymousID: nil, timestamp: EventTime(milliseconds: 0), event: nil, name: nil,
                pageURL: nil, pagePath: nil, referrer: nil, campaign: nil, category: nil, groupID: nil, traits: SegmentTraits(), ip: nil,
                userAgent: nil)
            try Self.roundTrip(Self.inbound(.web, [.web(full)]))
            try Self.roundTrip(Self.inbound(.web, [.web(empty)]))
        }
    }

    @Test("SendGrid batches: every event type, categories in order, optional fields, an empty batch")
    func sendGridBatches() throws {
        let events = SendGridEventType.allCases.enumerated().map { index, type in
            InboundEvent.email(
                SendGridEvent(
                    email: "r\(index)@acme.example", timestamp: EventTime(milliseconds: Int64(index) * 1000 - 500), event: type,
                    sgEventID: index % 2 == 0 ? "sg-\(index)" : nil, sgMessageID: "msg.\(index)",
                    url: index == 6 ? "https://x.example/ü" : nil,
                    categories: index % 3 == 0 ? [] : ["zeta", "alpha", "zeta", "日本"], reason: type == .bounce ? "550 5.1.1" : nil,
                    bounceType: type == .bounce ? "blocked" : nil, campaignID: index % 2 == 1 ? "1234567890123" : nil,
                    asmGroupID: index == 10 ? Int.min : nil))
        }
        try Self.roundTrip(Self.inbound(.email, events))
        try Self.roundTrip(Self.inbound(.email, []))
    }

    @Test("event times, source positions and covers-from at their extremes")
    func positionsAndTimes() throws {
        for milliseconds in [Int64.min, .max, -1, 0, 253_402_300_799_999] {
            let event = SendGridEvent(
                email: "a@b.example", timestamp: EventTime(milliseconds: milliseconds), event: .open, sgEventID: nil, sgMessageID: nil,
                url: nil, categories: [], reason: nil, bounceType: nil, campaignID: nil, asmGroupID: nil)
            try Self.roundTrip(Self.inbound(.email, [.email(event)]))
        }
        for (partition, offset, coversFrom) in [
            (Int32(0), Int64(0), Int64(0)), (.max, .max, .min), (.min, .min, .max), (7, 1 << 40, -1), (3, 99, 99),
        ] {
            let record = RepartitionRecord(
                source: SourcePosition(topic: "ünïcode.topic", partition: partition, offset: offset), coversFrom: coversFrom,
                payload: .inbound(.crm, [Self.crm(.leadCreated, .person(Self.fullPerson))]))
            try Self.roundTrip(record)
        }
    }

    @Test("control events, with and without a version")
    func controlEvents() throws {
        for event in [
            ControlEvent(
                eventID: "ctl_1", kind: .modelPromote, version: "0123456789abcdef", actor: "ops", reason: "better AUC ✓",
                occurredAt: EventTime(milliseconds: 1_767_225_600_000)),
            ControlEvent(
                eventID: "ctl_2", kind: .rulesetRollback, version: nil, actor: "ops", reason: "", occurredAt: EventTime(milliseconds: 5)),
        ] {
            try Self.roundTrip(RepartitionRecord(source: Self.source, coversFrom: Self.source.offset, payload: .control(event)))
        }
    }

    @Test("every valid contract fixture: JSON -> events -> binary -> the same events")
    func fixtures() throws {
        let decoder = InboundDecoder()
        let contracts: [String: InboundTopic] = ["crm": .crm, "web": .web, "email": .email]
        var checked = 0
        for fixture in Repo.fixtureFiles() where fixture.valid {
            guard let contract = contracts[fixture.topic] else { continue }
            let events = try decoder.decode(topic: contract, bytes: Array(try Data(contentsOf: fixture.url)))
            let bytes = try Self.roundTrip(Self.inbound(contract, events))
            let json = try Data(contentsOf: fixture.url).count
            #expect(bytes.count < json + 32, "\(fixture.url.lastPathComponent): \(bytes.count) bytes binary, \(json) JSON")
            checked += 1
        }
        #expect(checked >= 30)
    }

    @Test("every truncation of a record throws, as does a trailing byte")
    func truncations() throws {
        let records = [
            Self.inbound(.crm, [Self.crm(.leadCreated, .person(Self.fullPerson))]),
            Self.inbound(
                .email,
                [
                    .email(
                        SendGridEvent(
                            email: "a@b.example", timestamp: EventTime(milliseconds: 1), event: .click, sgEventID: "x", sgMessageID: nil,
                            url: "u", categories: ["c"], reason: nil, bounceType: nil, campaignID: nil, asmGroupID: 3))
                ]),
            RepartitionRecord(
                source: Self.source, coversFrom: 0,
                payload: .control(
                    ControlEvent(
                        eventID: "c", kind: .modelShadow, version: "0123456789abcdef", actor: "a", reason: "r",
                        occurredAt: EventTime(milliseconds: 0)))),
        ]
        for record in records {
            let bytes = record.encoded
            for length in 0..<bytes.count {
                #expect(throws: ContractError.self, "prefix of \(length) of \(bytes.count) bytes") {
                    try RepartitionRecord(bytes: Array(bytes.prefix(length)))
                }
            }
            #expect(throws: ContractError.self) { try RepartitionRecord(bytes: bytes + [0]) }
        }
    }

    @Test("bytes it did not write are rejected as schema_violation: JSON, another version, bad enum cases and masks, huge counts")
    func foreignBytes() throws {
        let call = SegmentEvent(
            type: .track, messageID: "m", userID: "u", anonymousID: nil, timestamp: EventTime(milliseconds: 9), event: "e", name: nil,
            pageURL: nil, pagePath: nil, referrer: nil, campaign: nil, category: nil, groupID: nil, traits: SegmentTraits(), ip: nil,
            userAgent: nil)
        let good = RepartitionRecord(
            source: SourcePosition(topic: "t", partition: 0, offset: 0), coversFrom: 0, payload: .inbound(.web, [.web(call)])
        ).encoded
        func rejects(_ bytes: [UInt8], _ comment: Comment) {
            do {
                _ = try RepartitionRecord(bytes: bytes)
                Issue.record(comment)
            } catch {
                #expect(error.code == .schemaViolation, comment)
            }
        }
        // Layout of `good`: magic, version, topic (length, "t"), partition, offset, covers-from distance,
        // payload kind (7), event count (8), call type (9), message id (10, 11), time (12), presence mask (13).
        #expect(Array(good[7...9]) == [2, 1, 1] && good[13] == 0b101)
        rejects(Array(#"{"event_id":"e"}"#.utf8), "JSON")
        rejects([], "empty")
        rejects([RepartitionRecord.magic], "the magic byte alone")
        var version = good
        version[1] = RepartitionRecord.version + 1
        rejects(version, "next version")
        var badKind = good
        badKind[7] = 9
        rejects(badKind, "payload kind 9")
        var badType = good
        badType[9] = UInt8(SegmentCallType.allCases.count)
        rejects(badType, "call type out of range")
        var hugeCount = good
        hugeCount[8] = 0x7F
        rejects(hugeCount, "event count beyond the bytes")
        // Bit 24 of the mask: a call has 24 optional fields (bits 0...23).
        rejects(Array(good[..<13]) + [0x85, 0x80, 0x80, 0x08] + Array(good[14...]), "mask naming a 25th field")
        var badString = good
        badString[11] = 0xFF
        rejects(badString, "invalid UTF-8")
    }

    @Test("random corruptions decode to a record that re-encodes to itself, or throw")
    func corruptions() throws {
        let record = Self.inbound(.crm, [Self.crm(.leadCreated, .person(Self.fullPerson))])
        let bytes = record.encoded
        var random = SplitMix64(seed: 14)
        var rejected = 0
        for _ in 0..<2_000 {
            var mutated = bytes
            for _ in 0..<(1 + Int(random.next() % 3)) {
                mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            guard let decoded = try? RepartitionRecord(bytes: mutated) else {
                rejected += 1
                continue
            }
            #expect(try RepartitionRecord(bytes: decoded.encoded).encoded == decoded.encoded)
        }
        #expect(rejected > 0)
    }
}
