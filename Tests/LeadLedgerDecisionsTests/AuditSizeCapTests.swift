import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("Audit size cap: one record per event, the further decisions' tail left out with count and digest")
struct AuditSizeCapTests {
    /// An account with `contacts` leads, then a new owner: one event that re-decides every contact.
    static func growingAccount(contacts: Int) throws -> DecisionHarness {
        var h = DecisionHarness()
        try h.feed(.crm, accountUpsert("acc-big", domain: "bigco.io", owner: "owner_1", at: "2024-07-01T08:00:00Z"))
        for i in 0..<contacts {
            try h.feed(.crm, crmLead("B\(i)", at: "2024-07-01T09:00:00Z", #""email":"c\#(i)@bigco.io","country":"US""#))
        }
        try h.feed(.crm, accountUpsert("acc-big", domain: "bigco.io", owner: "owner_2", at: "2024-07-02T08:00:00Z"))
        return h
    }

    static func run(_ h: DecisionHarness, limit: Int) throws -> Replay {
        var config = try DecisionFixtures.configuration(weights: [:], intercept: 0)
        config.auditRecordLimit = limit
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        return r
    }

    @Test("an account change over 300 contacts: the record stays under the cap, keeps a prefix, and names the rest by count and SHA-256")
    func capKeepsOneRecordPerEvent() throws {
        let h = try Self.growingAccount(contacts: 300)
        let uncut = try Self.run(h, limit: Int.max)
        let limit = 16_384
        let capped = try Self.run(h, limit: limit)

        // Still exactly one audit record per log event, and every routing record is written as without the cap.
        #expect(capped.outputs.count == h.log.count && capped.outputs.allSatisfy { $0.audit.count == 1 })
        #expect(capped.outputs.map(\.routing) == uncut.outputs.map(\.routing))
        let fullRecord = try #require(uncut.outputs.last?.audit.first?.value)
        let cutRecord = try #require(capped.outputs.last?.audit.first?.value)
        #expect(fullRecord.count > 4 * limit, "the fan-out record is large without the cap (\(fullRecord.count) bytes)")
        #expect(cutRecord.count <= limit, "\(cutRecord.count) bytes")

        let full = try AuditRecordView(fullRecord)
        let cut = try AuditRecordView(cutRecord)
        #expect(full.further.count == 299 && full.furtherTruncated == nil)
        let truncation = try #require(cut.furtherTruncated)
        #expect(cut.further.count > 0 && cut.further.count + truncation.count == full.further.count)
        #expect(cut.further == Array(full.further.prefix(cut.further.count)))
        #expect(cut.stateHash == full.stateHash && cut.decision == full.decision && cut.decisionID == full.decisionID)

        // The digest is over the left-out entries as the uncut record wrote them.
        let fullJSON = try JSONParser.parse(fullRecord)
        guard case .object(let object) = fullJSON, case .array(let entries)? = object["further_decisions"] else {
            Issue.record("no further_decisions array")
            return
        }
        let leftOut = CanonicalJSON.encode(.array(Array(entries.suffix(truncation.count))))
        #expect(truncation.sha256 == ContentVersion(of: leftOut).sha256)

        // Every other record is byte-identical to the uncut run.
        #expect(capped.outputs.dropLast().map(\.audit) == uncut.outputs.dropLast().map(\.audit))
    }

    @Test("a cap below the record's own decision leaves every further decision out; the default cap changes nothing here")
    func capExtremes() throws {
        let h = try Self.growingAccount(contacts: 40)
        let uncut = try Self.run(h, limit: Int.max)
        let none = try Self.run(h, limit: 512)
        let view = try AuditRecordView(try #require(none.outputs.last?.audit.first?.value))
        #expect(view.further.isEmpty && view.furtherTruncated?.count == 39)
        let byDefault = try Self.run(h, limit: DecisionConfiguration.defaultAuditRecordLimit)
        #expect(byDefault.allBytes == uncut.allBytes)
    }
}
