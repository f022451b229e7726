import Foundation
import Testing

@testable import LeadLedgerCore

/// CRM emails as CRM exports send them: padded with whitespace, in mixed case.
@Suite("CRM emails: padding and case")
struct CRMEmailTests {
    @Test("a padded, mixed-case lead email is accepted, trimmed by the decoder and normalized by the resolver; the lead keeps its fields")
    func paddedLeadEmail() throws {
        let json = crmLead(
            "00Q7", #""email":"  Jane.Doe@AcmeRobotics.com ","title":"VP Marketing","company":"Acme Robotics","country":"US""#)
        let events = try InboundDecoder().decode(topic: .crm, bytes: Array(json.utf8))
        guard case .crm(let crm)? = events.first, case .person(let p) = crm.payload else {
            Issue.record("not a CRM person event: \(events)")
            return
        }
        #expect(p.email == "Jane.Doe@AcmeRobotics.com")
        var h = ResolveHarness()
        let out = try h.feed(.crm, json)
        let id = try #require(h.lead(.email, "jane.doe@acmerobotics.com"))
        #expect(h.lead(.crmRecord, "salesforce:00Q7") == id)
        let attributes = out.compactMap { e -> [AttributeValue]? in if case .attributes(let a) = e.payload { a } else { nil } }.flatMap {
            $0
        }
        #expect(attributes.first { $0.name == .email }?.value == "jane.doe@acmerobotics.com")
        #expect(attributes.first { $0.name == .title }?.value == "VP Marketing")
        #expect(attributes.first { $0.name == .country }?.value == "US")
    }

    @Test("a contact update with tab- and newline-padded upper-case email reaches the same lead")
    func paddedContactEmailSameLead() throws {
        var h = ResolveHarness()
        try h.feed(.crm, crmLead("00Q8", #""email":"sam@initech.com","title":"Director of Sales""#))
        try h.feed(
            .crm,
            crmLead("00Q8", "contact.updated", at: "2024-04-02T10:00:00Z", "\"email\":\"\\tSAM@Initech.COM\\n\",\"title\":\"VP Sales\""))
        let id = try #require(h.lead(.email, "sam@initech.com"))
        #expect(h.lead(.crmRecord, "salesforce:00Q8") == id)
        #expect(h.resolver.counters.leadsCreated == 1)
    }

    @Test("padded emails in activities, outcomes and opportunity contacts are trimmed too")
    func otherCRMEmails() throws {
        let activity =
            #"{"event_id":"a1","type":"activity.logged","occurred_at":"2024-04-02T08:30:00Z","source":"salesforce","record_id":"00Q1","activity":{"kind":"email_reply","email":" Jane.Doe@Acme.io ","outcome":"interested"}}"#
        guard case .crm(let a)? = try InboundDecoder().decode(topic: .crm, bytes: Array(activity.utf8)).first,
            case .activity(let f) = a.payload
        else {
            Issue.record("not an activity")
            return
        }
        #expect(f.email == "Jane.Doe@Acme.io")
        let opportunity =
            #"{"event_id":"o1","type":"opportunity.created","occurred_at":"2024-04-02T08:30:00Z","source":"salesforce","record_id":"006A","opportunity":{"opportunity_id":"006A","contact_emails":[" Ana@Globex.com"]}}"#
        guard case .crm(let o)? = try InboundDecoder().decode(topic: .crm, bytes: Array(opportunity.utf8)).first,
            case .opportunity(let op) = o.payload
        else {
            Issue.record("not an opportunity")
            return
        }
        #expect(op.contactEmails == ["Ana@Globex.com"])
    }

    @Test(
        "an email still invalid after trimming is a schema violation naming the field (the DLQ record's code)",
        arguments: ["  jane doe@acme.io ", "   ", " jane@@acme.io", "\tjane@acme\n"])
    func invalidAfterTrim(email: String) throws {
        let escaped = email.replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
        let json = crmLead("00Q9", "\"email\":\"\(escaped)\",\"title\":\"CTO\"")
        do {
            _ = try InboundDecoder().decode(topic: .crm, bytes: Array(json.utf8))
            Issue.record("accepted \(email.debugDescription)")
        } catch {
            #expect(error.code == .schemaViolation)
            #expect(error.field == "$.lead.email")
        }
    }

    @Test("SendGrid emails are not trimmed: its contract is unchanged")
    func sendGridUnchanged() {
        let json = #"{"email":" jane@acme.io ","timestamp":1712052000,"event":"open","sg_event_id":"s1"}"#
        #expect(throws: ContractError.self) { try InboundDecoder().decode(topic: .email, bytes: Array(json.utf8)) }
    }

    @Test("EmailShape.trimmed removes what the schema's \\s matches, nothing inside")
    func trimmed() {
        #expect(EmailShape.trimmed("  a@b.co ") == "a@b.co")
        #expect(EmailShape.trimmed("\u{1F}\u{00A0}a@b.co\u{2003}\r\n") == "a@b.co")
        #expect(EmailShape.trimmed("a b@c.co") == "a b@c.co")
        #expect(EmailShape.trimmed(" \t ") == "")
        #expect(EmailShape.trimmed("a@b.co") == "a@b.co")
    }
}
