import Foundation
import Testing

@testable import LeadLedgerCore

/// Feeds JSON messages through decoder + resolver like the resolve stage does.
struct ResolveHarness {
    var resolver: IdentityResolver
    var offsets: [InboundTopic: Int64] = [:]
    var log: [CanonicalEvent] = []

    init(_ configuration: IdentityResolver.Configuration = .init()) { resolver = IdentityResolver(configuration: configuration) }

    @discardableResult
    mutating func feed(_ topic: InboundTopic, _ json: String, partition: Int32 = 0) throws -> [CanonicalEvent] {
        let events = try InboundDecoder().decode(topic: topic, bytes: Array(json.utf8))
        let offset = offsets[topic, default: 0]
        offsets[topic] = offset + 1
        let out = resolver.resolve(events, at: SourcePosition(topic: topic.rawValue, partition: partition, offset: offset))
        log.append(contentsOf: out)
        return out
    }

    func lead(_ kind: IdentifierKind, _ value: String) -> LeadID? {
        var r = resolver
        return r.lead(for: Identifier(kind, value))
    }
}

func crmLead(_ record: String, _ fields: String) -> String {
    crmLead(record, "lead.created", at: "2024-04-01T10:00:00Z", fields)
}

func crmLead(_ record: String, at time: String, _ fields: String) -> String {
    crmLead(record, "lead.created", at: time, fields)
}

func crmLead(_ record: String, _ type: String, at time: String, _ fields: String) -> String {
    #"{"event_id":"e-\#(record)-\#(time)","type":"\#(type)","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(record)","lead":{\#(fields)}}"#
}

func page(anon: String?, user: String? = nil, url: String, at time: String, id: String) -> String {
    let a = anon.map { #","anonymousId":"\#($0)""# } ?? ""
    let u = user.map { #","userId":"\#($0)""# } ?? ""
    return #"{"type":"page","messageId":"\#(id)","timestamp":"\#(time)"\#(a)\#(u),"context":{"page":{"url":"\#(url)"}}}"#
}

@Suite("Identity resolution")
struct IdentityTests {
    @Test("one person across CRM, web and email with varied case, whitespace and plus-tags")
    func crossSource() throws {
        var h = ResolveHarness()
        try h.feed(
            .crm, crmLead("00Q1", #""email":"Jane.Doe@Acme.io","first_name":"Jane","title":"VP Marketing","website":"https://www.acme.io""#)
        )
        try h.feed(
            .web,
            #"{"type":"identify","messageId":"m1","userId":"u-1","timestamp":"2024-04-02T10:00:00Z","traits":{"email":"  jane.doe+web@ACME.IO "}}"#
        )
        try h.feed(.email, #"{"email":"JANE.DOE+news@acme.io","timestamp":1712052000,"event":"open","sg_event_id":"s1"}"#)
        try h.feed(.web, page(anon: nil, user: "u-1", url: "https://acme-vendor.com/pricing", at: "2024-04-03T10:00:00Z", id: "m2"))
        let id = try #require(h.lead(.crmRecord, "salesforce:00Q1"))
        #expect(id == LeadID.derived(from: Identifier(.crmRecord, "salesforce:00Q1")))
        #expect(h.lead(.email, "jane.doe@acme.io") == id)
        #expect(h.lead(.userID, "u-1") == id)
        #expect(h.resolver.counters.leadsCreated == 1)
        #expect(h.resolver.counters.merges == 0)
        let leadEvents = h.log.filter { $0.leadID != nil }
        #expect(leadEvents.allSatisfy { $0.leadID == id })
        #expect(leadEvents.allSatisfy { $0.accountID == AccountID("acme.io") })
        // The address as seen differs, the identity key is one.
        let emails = h.log.compactMap { e -> String? in
            if case .attributes(let a) = e.payload { return a.first { $0.name == .email }?.value }
            return nil
        }
        #expect(emails == ["jane.doe@acme.io", "jane.doe+web@acme.io"])
    }

    @Test("anonymous visitor is attributed once identified; events keep their lineage and time")
    func anonymousThenIdentified() throws {
        var h = ResolveHarness()
        for i in 0..<3 {
            let out = try h.feed(
                .web,
                page(
                    anon: "anon-9", url: "https://acme.io/\(["pricing", "docs", "blog"][i])", at: "2024-04-0\(i + 1)T10:00:00Z", id: "p\(i)"
                ))
            #expect(out.isEmpty)
        }
        #expect(h.resolver.counters.anonymousPending == 3)
        let out = try h.feed(
            .web,
            #"{"type":"identify","messageId":"i1","anonymousId":"anon-9","userId":"u-9","timestamp":"2024-04-05T10:00:00Z","traits":{"email":"bo@globex.com","title":"CTO"}}"#
        )
        let id = try #require(h.lead(.userID, "u-9"))
        #expect(h.lead(.anonymousID, "anon-9") == id)
        let engagements = out.filter { if case .engagement = $0.payload { true } else { false } }
        #expect(engagements.count == 3)
        #expect(engagements.map(\.lineage.position.offset) == [3, 3, 3])
        #expect(engagements.map(\.lineage.externalID) == ["p0", "p1", "p2"])
        #expect(
            engagements.map(\.eventTime.rfc3339) == ["2024-04-01T10:00:00.000Z", "2024-04-02T10:00:00.000Z", "2024-04-03T10:00:00.000Z"])
        #expect(engagements.allSatisfy { $0.leadID == id && $0.accountID == AccountID("globex.com") })
        #expect(Set(out.map(\.eventID)).count == out.count)
        #expect(h.resolver.counters.anonymousFlushed == 3)
        #expect(h.resolver.counters.anonymousPending == 0)
        // Later anonymous traffic of the known visitor goes straight to the lead.
        let later = try h.feed(.web, page(anon: "anon-9", url: "https://acme.io/demo", at: "2024-04-06T10:00:00Z", id: "p9"))
        #expect(later.count == 1 && later[0].leadID == id)
    }

    @Test("anonymous buffer: TTL expiry and overflow are counted")
    func anonymousLimits() throws {
        var h = ResolveHarness(.init(anonymousTTL: 86_400_000, maxBufferedPerVisitor: 2))
        for i in 0..<3 { try h.feed(.web, page(anon: "v1", url: "https://a.io/x\(i)", at: "2024-04-01T10:0\(i):00Z", id: "a\(i)")) }
        #expect(h.resolver.counters.anonymousOverflowed == 1)
        #expect(h.resolver.counters.anonymousPending == 2)
        try h.feed(.web, page(anon: "v2", url: "https://a.io/", at: "2024-04-03T10:00:00Z", id: "b"))  // watermark +2 days
        #expect(h.resolver.counters.anonymousExpired == 2)
        let out = try h.feed(
            .web, #"{"type":"identify","messageId":"i","anonymousId":"v1","userId":"u","timestamp":"2024-04-03T11:00:00Z"}"#)
        #expect(out.filter { if case .engagement = $0.payload { true } else { false } }.isEmpty)
        let c = h.resolver.counters
        #expect(c.anonymousBuffered == c.anonymousFlushed + c.anonymousExpired + c.anonymousOverflowed + c.anonymousPending)
    }

    @Test("two CRM duplicates merge; the older lead survives and the merge is an event")
    func crmDuplicates() throws {
        var h = ResolveHarness()
        try h.feed(.crm, crmLead("R1", at: "2024-04-01T10:00:00Z", #""email":"sam@initech.com","last_name":"Lumbergh""#))
        try h.feed(.crm, crmLead("R2", at: "2024-04-02T10:00:00Z", #""email":"bill@initech.com","title":"Director of Sales""#))
        let a = try #require(h.lead(.crmRecord, "salesforce:R1"))
        let b = try #require(h.lead(.crmRecord, "salesforce:R2"))
        #expect(a != b)
        let out = try h.feed(.crm, crmLead("R2", "lead.updated", at: "2024-04-03T10:00:00Z", #""email":"SAM@Initech.COM""#))
        #expect(out.first?.payload == .identityMerged(absorbed: b))
        #expect(out.first?.leadID == a)
        #expect(h.lead(.crmRecord, "salesforce:R2") == a)
        #expect(h.lead(.email, "bill@initech.com") == a)
        #expect(h.resolver.counters.merges == 1)
        // Same person seen twice with the same email: no merge, no new lead.
        try h.feed(.crm, crmLead("R3", "contact.created", at: "2024-04-04T10:00:00Z", #""email":"Sam@Initech.com""#))
        #expect(h.lead(.crmRecord, "salesforce:R3") == a)
        #expect(h.resolver.counters.leadsCreated == 2)
    }

    @Test("merge survivor does not depend on which lead the resolver saw first")
    func survivorByEventTime() throws {
        var h = ResolveHarness()
        // The later-in-event-time lead arrives first.
        try h.feed(.crm, crmLead("R2", at: "2024-04-05T10:00:00Z", #""email":"b@initech.com""#))
        try h.feed(.crm, crmLead("R1", at: "2024-04-01T10:00:00Z", #""email":"a@initech.com""#))
        let older = try #require(h.lead(.crmRecord, "salesforce:R1"))
        try h.feed(
            .web, #"{"type":"identify","messageId":"x","userId":"u","timestamp":"2024-04-06T10:00:00Z","traits":{"email":"b@initech.com"}}"#
        )
        try h.feed(
            .web, #"{"type":"identify","messageId":"y","userId":"u","timestamp":"2024-04-06T10:00:00Z","traits":{"email":"a@initech.com"}}"#
        )
        #expect(h.lead(.crmRecord, "salesforce:R2") == older)
    }

    @Test("two Gmail users at one company stay two people and share no made-up account")
    func gmailColleagues() throws {
        var h = ResolveHarness()
        try h.feed(.crm, crmLead("G1", #""email":"alice.smith@gmail.com","company":"Hooli Inc""#))
        try h.feed(.crm, crmLead("G2", #""email":"bob.jones@gmail.com","company":"Hooli, Inc.""#))
        try h.feed(
            .email, #"{"email":"alicesmith+x@googlemail.com","timestamp":1712052000,"event":"click","url":"https://vendor.io/pricing"}"#)
        let a = try #require(h.lead(.email, "alicesmith@gmail.com"))
        let b = try #require(h.lead(.email, "bobjones@gmail.com"))
        #expect(a != b)
        #expect(h.lead(.crmRecord, "salesforce:G1") == a)
        #expect(h.log.allSatisfy { $0.accountID == nil })
        // Once Hooli is a known account, the company name links them — to Hooli, not to gmail.com.
        try h.feed(
            .crm,
            #"{"event_id":"acc","type":"account.upserted","occurred_at":"2024-04-02T00:00:00Z","source":"salesforce","record_id":"001H","account":{"account_id":"001H","name":"Hooli","domain":"hooli.xyz"}}"#
        )
        try h.feed(.crm, crmLead("G1", "lead.updated", at: "2024-04-03T00:00:00Z", #""company":"Hooli Inc""#))
        #expect(h.resolver.account(for: Identifier(.email, "alicesmith@gmail.com")) == AccountID("hooli.xyz"))
        #expect(h.resolver.account(for: Identifier(.email, "bobjones@gmail.com")) == nil)
        #expect(!h.log.contains { $0.accountID == AccountID("gmail.com") })
    }

    @Test("account matching: group call beats email domain; website beats email domain; disposable gets none")
    func accountMatching() throws {
        var h = ResolveHarness()
        try h.feed(
            .web,
            #"{"type":"identify","messageId":"1","userId":"u1","timestamp":"2024-04-01T00:00:00Z","traits":{"email":"kim@eu.globex.co.uk"}}"#
        )
        #expect(h.resolver.account(for: Identifier(.userID, "u1")) == AccountID("globex.co.uk"))
        try h.feed(
            .web,
            #"{"type":"group","messageId":"2","userId":"u1","groupId":"g-7","timestamp":"2024-04-02T00:00:00Z","traits":{"name":"Globex Holdings","website":"https://globex-holdings.com"}}"#
        )
        #expect(h.resolver.account(for: Identifier(.userID, "u1")) == AccountID("globex-holdings.com"))
        try h.feed(.email, #"{"email":"kim@eu.globex.co.uk","timestamp":1712052000,"event":"open"}"#)
        #expect(h.resolver.account(for: Identifier(.userID, "u1")) == AccountID("globex-holdings.com"))
        try h.feed(.crm, crmLead("W1", #""email":"lee@initech.com","website":"initrode.com""#))
        #expect(h.resolver.account(for: Identifier(.crmRecord, "salesforce:W1")) == AccountID("initrode.com"))
        try h.feed(.crm, crmLead("D1", #""email":"x@mailinator.com""#))
        #expect(h.resolver.account(for: Identifier(.crmRecord, "salesforce:D1")) == nil)
    }

    @Test("a SendGrid batch resolves exactly like the same events sent one by one")
    func batchBoundaries() throws {
        let items = (0..<6).map { i in
            #"{"email":"p\#(i % 3)@acme.io","timestamp":\#(1_712_052_000 + i),"event":"open","sg_event_id":"e\#(i)"}"#
        }
        var one = ResolveHarness()
        try one.feed(.email, "[" + items.joined(separator: ",") + "]")
        var many = ResolveHarness()
        for i in items { try many.feed(.email, i) }
        for i in 0..<3 {
            #expect(one.lead(.email, "p\(i)@acme.io") == many.lead(.email, "p\(i)@acme.io"))
        }
        #expect(one.log.map(\.leadID) == many.log.map(\.leadID))
        #expect(one.log.map(\.payload) == many.log.map(\.payload))
    }

    @Test("re-resolving the same message yields the same event ids; ids are unique")
    func eventIDs() throws {
        var h = ResolveHarness()
        let out = try h.feed(.crm, crmLead("Z1", #""email":"z@zeta.io","title":"Head of IT""#))
        #expect(Set(out.map(\.eventID)).count == out.count)
        var fresh = IdentityResolver()
        let again = fresh.resolve(
            try InboundDecoder().decode(topic: .crm, bytes: Array(crmLead("Z1", #""email":"z@zeta.io","title":"Head of IT""#).utf8)),
            at: SourcePosition(topic: "crm.events", partition: 0, offset: 0))
        #expect(again.map(\.eventID) == out.map(\.eventID))
        #expect(again == out)
    }

    @Test("erasure forgets the email; the log event carries no email")
    func erasure() throws {
        var h = ResolveHarness()
        try h.feed(.crm, crmLead("E1", #""email":"gone@acme.io""#))
        let id = try #require(h.lead(.email, "gone@acme.io"))
        let out = try h.feed(
            .crm,
            #"{"event_id":"er","type":"privacy.erasure","occurred_at":"2024-05-01T00:00:00Z","source":"salesforce","email":"gone@acme.io"}"#
        )
        #expect(out.count == 1 && out[0].leadID == id && out[0].payload == .erasure)
        #expect(!CanonicalJSON.string(out[0].json).contains("gone@"))
        #expect(h.lead(.email, "gone@acme.io") == nil)
        #expect(!h.resolver.emailCache.keys.contains { $0.lowercased().contains("gone@") })
        try h.feed(.crm, crmLead("E2", #""email":"gone@acme.io""#))
        #expect(h.lead(.email, "gone@acme.io") != id)
    }
}

@Suite("Canonical log events")
struct CanonicalEventTests {
    /// A log covering every kind of canonical event, built through the resolver.
    static func sampleLog() throws -> [CanonicalEvent] {
        var h = ResolveHarness()
        let dir = Repo.fixtures.appendingPathComponent("crm/valid")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            try h.feed(.crm, String(decoding: try Data(contentsOf: dir.appendingPathComponent(name)), as: UTF8.self))
        }
        for topic in [("web", InboundTopic.web), ("email", .email)] {
            let d = Repo.fixtures.appendingPathComponent("\(topic.0)/valid")
            for name in try FileManager.default.contentsOfDirectory(atPath: d.path).sorted() {
                try h.feed(topic.1, String(decoding: try Data(contentsOf: d.appendingPathComponent(name)), as: UTF8.self))
            }
        }
        try h.feed(.web, page(anon: "zz", url: "https://a.io/pricing", at: "2015-02-23T22:00:00Z", id: "pz"))
        try h.feed(
            .web, #"{"type":"identify","messageId":"mz","anonymousId":"zz","userId":"97980cfea0067","timestamp":"2015-02-24T22:00:00Z"}"#)
        try h.feed(.crm, crmLead("00Q-other", at: "2024-04-03T00:00:00Z", #""email":"peter@example.com""#))
        try h.feed(.crm, crmLead("00Q-other", "lead.updated", at: "2024-04-04T00:00:00Z", #""email":"jane.doe@acme.io""#))
        return h.log
    }

    @Test("every canonical kind round-trips through its JSON and is valid against leadledger.events.schema.json")
    func roundTripAndSchema() throws {
        let log = try Self.sampleLog()
        let kinds = Set(log.map(\.payload.kind))
        #expect(
            kinds == [
                "identity.linked", "identity.merged", "lead.attributes", "lead.custom_fields", "engagement", "account.upserted",
                "account.linked",
                "opportunity.upserted", "lead.outcome", "override.set", "override.cleared", "privacy.erasure",
            ])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadledger-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var pairs: [(schema: String, path: String)] = []
        for (i, e) in log.enumerated() {
            let bytes = e.encoded
            #expect(try CanonicalEvent(bytes: bytes) == e)
            #expect(CanonicalJSON.encode(try JSONParser.parse(bytes)) == bytes, "canonical encoding is a fixed point")
            #expect(bytes == CanonicalJSON.encode(e.json), "the direct writer matches the tree encoder")
            let url = dir.appendingPathComponent("e\(i).json")
            try Data(bytes).write(to: url)
            pairs.append(("leadledger.events", url.path))
        }
        // And some records that must be rejected by both.
        let bad: [String] = [
            #"{"schema_version":1,"event_id":"ev_0000000000000000","kind":"nope","event_time":"2024-01-01T00:00:00.000Z","lead_id":null,"account_id":null,"source":{"topic":"t","partition":0,"offset":0,"seq":0,"system":"crm"},"payload":{}}"#,
            #"{"schema_version":1,"event_id":"ev_0000000000000000","kind":"identity.merged","event_time":"2024-01-01T00:00:00.000Z","lead_id":"ld_0000000000000001","account_id":null,"source":{"topic":"t","partition":0,"offset":0,"seq":0,"system":"crm"},"payload":{"absorbed_lead_id":"x"}}"#,
            #"{"schema_version":2,"event_id":"ev_0000000000000000","kind":"override.cleared","event_time":"2024-01-01T00:00:00.000Z","lead_id":"ld_0000000000000001","account_id":null,"source":{"topic":"t","partition":0,"offset":0,"seq":0,"system":"crm"},"payload":{}}"#,
        ]
        for (i, b) in bad.enumerated() {
            let url = dir.appendingPathComponent("bad\(i).json")
            try Data(b.utf8).write(to: url)
            pairs.append(("leadledger.events", url.path))
            #expect(throws: ContractError.self) { try CanonicalEvent(bytes: Array(b.utf8)) }
        }
        let verdicts = try PythonValidator.validate(pairs)
        for p in pairs {
            let v = try #require(verdicts[p.path])
            #expect(v.valid == !p.path.contains("/bad"), "\(p.path): \(v.error ?? "")")
        }
    }
}

@Suite("Lead id text")
struct LeadIDTextTests {
    @Test("LeadID(_:) accepts exactly ld_ + 16 lowercase ASCII hex digits and round-trips its description")
    func parsing() {
        #expect(LeadID("ld_0123456789abcdef")?.raw == 0x0123_4567_89ab_cdef)
        #expect(LeadID(raw: 0xfeed_0000_0000_0001).description == "ld_feed000000000001")
        #expect(LeadID(LeadID(raw: 42).description) == LeadID(raw: 42))
        for bad in [
            "", "ld_", "ld_0123456789ABCDEF", "ld_0123456789abcde", "ld_0123456789abcdef0", "LD_0123456789abcdef",
            "ld-0123456789abcdef", "ld_+123456789abcdef", "ld_0123456789abcdeg", "ld_０123456789abcd", " ld_0123456789abcdef",
        ] {
            #expect(LeadID(bad) == nil, "\(bad)")
        }
    }
}
