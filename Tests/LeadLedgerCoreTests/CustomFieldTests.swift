import Foundation
import Testing

@testable import LeadLedgerCore

/// Custom CRM fields (`custom` on `lead` and `account` payloads): the contract's
/// limits, the canonical log, the projections and their snapshots.
@Suite("Custom CRM fields")
struct CustomFieldTests {
    static func account(_ custom: String) -> String {
        #"{"event_id":"acc-1","type":"account.upserted","occurred_at":"2024-04-01T09:00:00Z","source":"salesforce","record_id":"001A","account":{"account_id":"001A","name":"Acme","domain":"acme.io","custom":\#(custom)}}"#
    }

    /// The decoder's error for a lead with `custom`, or nil when accepted.
    static func rejection(_ custom: String) -> ContractError? {
        do {
            _ = try InboundDecoder().decode(topic: .crm, bytes: Array(crmLead("00Q1", #""email":"a@acme.io","custom":\#(custom)"#).utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test("string, number and boolean values are accepted, sorted by key; null means not given")
    func acceptedValues() throws {
        let json = crmLead("00Q1", #""email":"a@acme.io","custom":{"Budget__c":"high","Seats__c":25,"Trial__c":true,"Notes__c":null}"#)
        let events = try InboundDecoder().decode(topic: .crm, bytes: Array(json.utf8))
        guard case .crm(let crm)? = events.first, case .person(let p) = crm.payload else {
            Issue.record("not a person event")
            return
        }
        #expect(
            p.custom == [
                CustomField("Budget__c", .string("high")), CustomField("Seats__c", .number(25)), CustomField("Trial__c", .bool(true)),
            ])
        let account = try InboundDecoder().decode(topic: .crm, bytes: Array(Self.account(#"{"ARR__c":1200000.5}"#).utf8))
        guard case .crm(let a)? = account.first, case .account(let facts) = a.payload else {
            Issue.record("not an account event")
            return
        }
        #expect(facts.custom == [CustomField("ARR__c", .number(1_200_000.5))])
    }

    @Test(
        "anything else is custom_field_invalid, naming the field",
        arguments: [
            (#"{"1st":"x"}"#, "$.lead.custom"), (#"{"has-dash":"x"}"#, "$.lead.custom"),
            (#"{"Tags__c":["a","b"]}"#, "$.lead.custom.Tags__c"), (#"{"Nested__c":{"a":1}}"#, "$.lead.custom.Nested__c"),
            ("\"not an object\"", "$.lead.custom"),
            (#"{"Long__c":"\#(String(repeating: "x", count: 257))"}"#, "$.lead.custom.Long__c"),
            ("{" + (0..<51).map { #""k\#($0)":1"# }.joined(separator: ",") + "}", "$.lead.custom"),
            (#"{"\#(String(repeating: "a", count: 65))":1}"#, "$.lead.custom"),
        ])
    func rejected(custom: String, field: String) throws {
        let error = try #require(Self.rejection(custom), "accepted \(custom.prefix(80))")
        #expect(error.code == .customFieldInvalid)
        #expect(error.field == field, "\(error)")
    }

    @Test("the limits themselves are accepted: 50 keys, 64-character keys, 256-byte strings")
    func limits() {
        #expect(Self.rejection("{" + (0..<50).map { #""k\#($0)":1"# }.joined(separator: ",") + "}") == nil)
        #expect(Self.rejection(#"{"\#(String(repeating: "a", count: 64))":1}"#) == nil)
        #expect(Self.rejection(#"{"Long__c":"\#(String(repeating: "é", count: 128))"}"#) == nil)
    }

    @Test("the resolver logs the lead's fields as lead.custom_fields and the account's with its facts; both round-trip")
    func canonicalLog() throws {
        var h = ResolveHarness()
        let lead = try h.feed(.crm, crmLead("00Q1", #""email":"a@acme.io","custom":{"Budget__c":"high","Seats__c":25}"#))
        let account = try h.feed(.crm, Self.account(#"{"ARR__c":1200000.5,"Tier__c":"gold"}"#))
        let custom = try #require(lead.first { $0.payload.kind == "lead.custom_fields" })
        #expect(custom.payload == .customFields([CustomField("Budget__c", .string("high")), CustomField("Seats__c", .number(25))]))
        #expect(String(decoding: custom.encoded, as: UTF8.self).contains(#""payload":{"custom":{"Budget__c":"high","Seats__c":25}}"#))
        let upserted = try #require(account.first { $0.payload.kind == "account.upserted" })
        for event in [custom, upserted] {
            #expect(event.encoded == CanonicalJSON.encode(event.json))
            #expect(try CanonicalEvent(bytes: event.encoded) == event)
        }
        // A lead without custom fields logs no such event (the log of existing inputs is unchanged).
        let plain = try h.feed(.crm, crmLead("00Q2", #""email":"b@acme.io""#))
        #expect(!plain.contains { $0.payload.kind == "lead.custom_fields" })
    }

    @Test("the ledger keeps each key's latest value, merges fill missing keys, erasure drops free text; snapshots keep all")
    func projections() throws {
        var h = ResolveHarness()
        try h.feed(.crm, crmLead("00Q1", #""email":"a@acme.io","custom":{"Budget__c":"high","Seats__c":25,"Notes__c":"call after 5"}"#))
        try h.feed(.crm, crmLead("00Q1", "lead.updated", at: "2024-04-02T10:00:00Z", #""custom":{"Seats__c":40}"#))
        try h.feed(.crm, Self.account(#"{"ARR__c":1200000.5}"#))
        var ledger = Ledger()
        for e in h.log { _ = ledger.apply(e) }
        let id = try #require(h.lead(.email, "a@acme.io"))
        let handle = try #require(ledger.handle(of: id))
        #expect(
            ledger.customFields(of: handle) == [
                CustomField("Budget__c", .string("high")), CustomField("Notes__c", .string("call after 5")),
                CustomField("Seats__c", .number(40)),
            ])
        #expect(ledger.lead(id)?.custom == ledger.customFields(of: handle))
        let accountHandle = try #require(ledger.handle(of: AccountID("acme.io")))
        #expect(ledger.customFields(of: accountHandle) == [CustomField("ARR__c", .number(1_200_000.5))])
        let restored = try Ledger(snapshot: ledger.snapshotBytes())
        #expect(restored == ledger)
        #expect(restored.customFields(of: handle) == ledger.customFields(of: handle))

        // Erasure keeps numbers and flags, drops free text.
        try h.feed(
            .crm,
            #"{"event_id":"er-1","type":"privacy.erasure","occurred_at":"2024-04-03T10:00:00Z","source":"salesforce","email":"a@acme.io"}"#)
        for e in h.log.suffix(from: h.log.count - 1) { _ = ledger.apply(e) }
        #expect(ledger.customFields(of: handle) == [CustomField("Seats__c", .number(40))])
        #expect(try Ledger(snapshot: ledger.snapshotBytes()) == ledger)
    }

    @Test("a damaged custom-field table in a snapshot is rejected, not trusted")
    func damagedSnapshot() throws {
        var h = ResolveHarness()
        try h.feed(.crm, crmLead("00Q1", #""email":"a@acme.io","custom":{"Budget__c":"high"}"#))
        var ledger = Ledger()
        for e in h.log { _ = ledger.apply(e) }
        let bytes = ledger.snapshotBytes()
        // The key's bytes are near the end; any change there must fail the checksum or the key check.
        let at = try #require(bytes.indices.last { bytes[$0] == UInt8(ascii: "B") })
        var damaged = bytes
        damaged[at] = UInt8(ascii: "-")
        #expect(throws: SnapshotError.self) { try Ledger(snapshot: damaged) }
    }
}
