import Foundation
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerReadModel
import Testing

@Suite("Read model request validation")
struct RequestValidationTests {
    static let lead = "ld_0123456789abcdef"

    private func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as APIError {
            return error.code
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func idsAndEmails() throws {
        #expect(try RequestValidation.leadID(Self.lead) == Self.lead)
        #expect(code { _ = try RequestValidation.leadID("ld_0123456789ABCDEF") } == "invalid_lead_id")
        #expect(code { _ = try RequestValidation.leadID("ld_0123") } == "invalid_lead_id")
        #expect(code { _ = try RequestValidation.decisionID("dc_" + String(repeating: "a", count: 32)) } == nil)
        #expect(code { _ = try RequestValidation.decisionID("dc_" + String(repeating: "a", count: 16)) } == "invalid_decision_id")
        #expect(code { _ = try RequestValidation.accountID("acme.io") } == nil)
        #expect(code { _ = try RequestValidation.accountID("crm:salesforce:001") } == nil)
        #expect(code { _ = try RequestValidation.accountID("a b") } == "invalid_account_id")
        #expect(code { _ = try RequestValidation.accountID("") } == "invalid_account_id")
        #expect(code { _ = try RequestValidation.queue("ae-inbound") } == nil)
        #expect(code { _ = try RequestValidation.queue("ae inbound") } == "invalid_queue")
        // Searches match the identity key: plus tags and case do not matter.
        #expect(try RequestValidation.emailKey("Jane.Doe+news@Acme.io") == RequestValidation.emailKey("jane.doe@acme.io"))
        #expect(code { _ = try RequestValidation.emailKey("no-at-sign") } == "invalid_email")
        #expect(code { _ = try RequestValidation.emailKey("a@b@c") } == "invalid_email")
        #expect(code { _ = try RequestValidation.emailKey("@acme.io") } == "invalid_email")
        // One `@` by Unicode scalar, as the OpenAPI pattern counts, even when a modifier
        // joins it into one Character with what follows (found by schemathesis).
        #expect(code { _ = try RequestValidation.emailKey("\u{1C}~\u{7F}@\u{1F3FB}") } == nil)
        #expect(code { _ = try RequestValidation.emailKey("jane@\u{0301}acme.io") } == nil)
        #expect(code { _ = try RequestValidation.emailKey("a@\u{0301}@b") } == "invalid_email")
        #expect(try RequestValidation.limit(nil, fallback: 7, max: 10) == 7)
        #expect(code { _ = try RequestValidation.limit("11", fallback: 7, max: 10) } == "invalid_limit")
        #expect(code { _ = try RequestValidation.limit("0", fallback: 7, max: 10) } == "invalid_limit")
        #expect(code { _ = try RequestValidation.idempotencyKey("retry-1") } == nil)
        #expect(code { _ = try RequestValidation.idempotencyKey("has space") } == "invalid_idempotency_key")
    }

    @Test(arguments: [
        (#"{"lead_id":"ld_0123456789abcdef","tier":"sales_ready"}"#, nil as String?),
        (#"{"lead_id":"ld_0123456789abcdef","queue":"ae-inbound","owner_id":"rep-1","note":"call back"}"#, nil),
        (#"{"lead_id":"ld_0123456789abcdef","clear":true}"#, nil),
        (#"{"lead_id":"ld_0123456789abcdef"}"#, "empty_override"),
        (#"{"lead_id":"ld_0123456789abcdef","clear":false}"#, "empty_override"),
        (#"{"lead_id":"ld_0123456789abcdef","clear":true,"tier":"nurture"}"#, "conflicting_fields"),
        (#"{"lead_id":"ld_0123456789abcdef","tier":"gold"}"#, "invalid_tier"),
        (#"{"lead_id":"ld_0123456789abcdef","tier":null,"queue":"q"}"#, "invalid_tier"),
        (#"{"lead_id":"ld_0123456789abcdef","queue":null}"#, "invalid_field"),
        (#"{"lead_id":"ld_0123456789abcdef","tier":"nurture","extra":1}"#, "unknown_field"),
        (#"{"lead_id":"bad","tier":"nurture"}"#, "invalid_lead_id"),
        (#"{"tier":"nurture"}"#, "invalid_field"),
        (#"{"lead_id":"ld_0123456789abcdef","tier":"nurture","note":"a\u0007b"}"#, "invalid_note"),
        (#"[1]"#, "invalid_json"),
        (#"{"lead_id":"#, "invalid_json"),
    ])
    func overrideBodies(body: String, expected: String?) {
        #expect(code { _ = try OverrideRequest(body: Array(body.utf8)) } == expected, "\(body)")
    }

    /// The event the API writes is one the CRM contract's own decoder accepts,
    /// naming the CRM record and the actor.
    @Test func overrideEventsPassTheCRMDecoder() throws {
        let set = try OverrideRequest(body: Array(#"{"lead_id":"ld_0123456789abcdef","tier":"sales_ready","note":"VIP"}"#.utf8))
        let bytes = set.crmEvent(
            eventID: "key-1", crmRecord: "salesforce:00Q123", setBy: "alice", occurredAt: EventTime(milliseconds: 1_700_000_000_000))
        let event = try CRMDecoder.decode(try JSONParser.parse(bytes))
        #expect(event.eventID == "key-1" && event.type == .overrideSet && event.source == "salesforce" && event.recordID == "00Q123")
        guard case .override(let fields?) = event.payload else {
            Issue.record("not an override: \(event.payload)")
            return
        }
        #expect(fields.tier == .salesReady && fields.setBy == "alice" && fields.note == "VIP")

        let clear = try OverrideRequest(body: Array(#"{"lead_id":"ld_0123456789abcdef","clear":true}"#.utf8))
        let cleared = try CRMDecoder.decode(
            try JSONParser.parse(clear.crmEvent(eventID: "key-2", crmRecord: "hubspot:77", setBy: "bob", occurredAt: EventTime(seconds: 1)))
        )
        #expect(cleared.type == .overrideCleared && cleared.source == "hubspot" && cleared.recordID == "77")
    }
}

@Suite("Model action requests")
struct ModelControlRequestTests {
    @Test func aReasonIsRequiredAndForceIsABoolean() throws {
        let plain = try ModelControlRequest(body: Array(#"{"reason":"Q4 refit"}"#.utf8))
        #expect(plain.reason == "Q4 refit" && !plain.force)
        #expect(try ModelControlRequest(body: Array(#"{"reason":"r","force":true}"#.utf8)).force)
        for (body, code) in [
            ("{}", "invalid_reason"), (#"{"reason":""}"#, "invalid_reason"), (#"{"reason":7}"#, "invalid_reason"),
            (#"{"reason":"r","force":"yes"}"#, "invalid_field"), (#"{"reason":"r","actor":"x"}"#, "unknown_field"),
            ("not json", "invalid_json"), (#"{"reason":"\#(String(repeating: "x", count: 2049))"}"#, "invalid_reason"),
        ] {
            #expect(throws: APIError.self) { _ = try ModelControlRequest(body: Array(body.utf8)) }
            do {
                _ = try ModelControlRequest(body: Array(body.utf8))
            } catch {
                #expect(error.code == code, "\(body.prefix(40))")
            }
        }
    }

    @Test func modelVersionsAreSixteenLowercaseHexDigits() throws {
        #expect(try RequestValidation.modelVersion("0123456789abcdef") == "0123456789abcdef")
        for bad in ["0123456789ABCDEF", "0123", "0123456789abcdefg", "../../etc/passwd"] {
            #expect(throws: APIError.self) { _ = try RequestValidation.modelVersion(bad) }
        }
    }
}

@Suite("KPI query parameters")
struct KPIQueryTests {
    @Test func instantsAreRFC3339DateTimesWithT() throws {
        #expect(try RequestValidation.instant("2026-11-01T00:00:00Z", name: "since")?.milliseconds == 1_793_491_200_000)
        #expect(try RequestValidation.instant("2026-11-01t00:00:00+01:00", name: "since") != nil)
        #expect(try RequestValidation.instant(nil, name: "since") == nil)
        for bad in ["2026-11-01 00:00:00Z", "yesterday", "2026-11-01", "2026-02-30T00:00:00Z"] {
            #expect(throws: APIError.self) { _ = try RequestValidation.instant(bad, name: "since") }
        }
    }

    @Test func groupingsAreRepeatedOrCommaSeparated() throws {
        #expect(try RequestValidation.dimensions(["day,model", "arm"]) == [.day, .model, .arm])
        #expect(try RequestValidation.dimensions([]) == [])
        #expect(throws: APIError.self) { _ = try RequestValidation.dimensions(["week"]) }
        #expect(throws: APIError.self) { _ = try RequestValidation.dimensions(["day,"]) }
    }
}
