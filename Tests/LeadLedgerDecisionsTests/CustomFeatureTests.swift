import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// Custom CRM fields as features: configuration, columns, explanations, and the
/// scoring file that `train --out` writes.
@Suite("Custom CRM fields as features")
struct CustomFeatureTests {
    static let scoring =
        DecisionFixtures.scoringYAML + """

            custom_features:
              - {field: Budget__c, of: lead, kind: categorical, values: [high, low], direction: positive}
              - {field: Seats__c, kind: numeric, clip: [0, 1000], transform: log1p, direction: positive}
              - {field: ARR__c, of: account, kind: numeric, direction: positive}
            """

    static func configuration(weights: [String: Double] = ["custom.Budget__c=high": 3, "intent_demo": 1]) throws
        -> DecisionConfiguration
    {
        try DecisionFixtures.configuration(scoring: scoring, weights: weights)
    }

    @Test("the columns follow the catalogue, with names, directions and meanings")
    func columns() throws {
        let c = try Self.configuration()
        let names = c.extractor.schema.names
        #expect(
            Array(names.suffix(4)) == ["custom.Budget__c=high", "custom.Budget__c=low", "custom.Seats__c", "account_custom.ARR__c"])
        let byName = Dictionary(uniqueKeysWithValues: c.extractor.definitions.map { ($0.name, $0) })
        #expect(byName["custom.Seats__c"]?.direction == .positive)
        #expect(byName["custom.Seats__c"]?.meaning == "custom lead field Seats__c, clipped to [0.0, 1000.0], log1p")
        #expect(byName["account_custom.ARR__c"]?.group == .account)
    }

    @Test("a lead's values become its row; the top reason names the custom field it has")
    func rowAndReason() throws {
        var h = ScenarioHarness()
        try h.feed(
            .crm,
            SampleMessage.accountUpsert("001-ACR", domain: "acmerobotics.com", at: "2024-05-06T08:00:00Z").replacingOccurrences(
                of: #""domain":"acmerobotics.com""#, with: #""domain":"acmerobotics.com","custom":{"ARR__c":250000}"#))
        try h.feed(
            .crm,
            SampleMessage.crmLead(
                "00QC1", at: "2024-05-06T09:00:00Z",
                #""email":"kim@acmerobotics.com","title":"Director of Sales","custom":{"Budget__c":"high","Seats__c":5000}"#))
        let found = h.lead(email: "kim@acmerobotics.com")
        let lead = try #require(found)
        let decisions = try h.decide(try Self.configuration())
        let audit = try #require(decisions.audits(lead).last)
        #expect(audit.features["custom.Budget__c=high"] == 1)
        #expect(audit.features["custom.Budget__c=low"] == 0)
        // Audit records carry features to six decimals.
        #expect(abs((audit.features["custom.Seats__c"] ?? nil).map { $0 - Foundation.log1p(1000) } ?? 1) < 1e-6)
        #expect(audit.features["account_custom.ARR__c"] == 250_000)
        let route = try #require(decisions.routes(lead).last)
        let reason = try #require(route.reasons.first { $0.feature == "custom.Budget__c=high" }, "\(route.reasons)")
        #expect(reason.contribution > 0)
        #expect(reason.text.contains("Budget__c"), "\(reason.text)")
    }

    @Test("a lead without the fields, or with values of another type, has zeros")
    func absentOrOtherType() throws {
        var h = ScenarioHarness()
        try h.feed(
            .crm, SampleMessage.crmLead("00QC2", at: "2024-05-06T09:00:00Z", #""email":"lee@initech.com","custom":{"Budget__c":7}"#))
        let found = h.lead(email: "lee@initech.com")
        let lead = try #require(found)
        let audit = try #require(try h.decide(try Self.configuration()).audits(lead).last)
        for name in ["custom.Budget__c=high", "custom.Budget__c=low", "custom.Seats__c", "account_custom.ARR__c"] {
            #expect(audit.features[name] == 0, "\(name)")
        }
    }

    @Test("the written scoring file keeps the custom features (what train --out writes loads back equal)")
    func yamlRoundTrip() throws {
        let c = try Self.configuration().scoring
        let written = c.yaml(model: .logisticRegression(artifact: "lr.json"))
        let back = try ScoringConfiguration.load(yaml: Data(written.utf8), source: "written.yaml")
        #expect(back.customFeatures == c.customFeatures)
        #expect(try back.featureSchema() == c.featureSchema())
    }

    @Test(
        "mistakes in custom_features are refused with the field named",
        arguments: [
            ("{field: 9bad, kind: numeric}", "custom_features[0].field"),
            ("{field: A, kind: text}", "custom_features[0].kind"),
            ("{field: A, kind: categorical}", "custom_features[0].values"),
            ("{field: A, kind: numeric, values: [x]}", "custom_features[0].values"),
            ("{field: A, kind: numeric, clip: [5, 1]}", "custom_features[0].clip"),
            ("{field: A, of: contact, kind: numeric}", "custom_features[0].of"),
            ("{field: A, kind: numeric, direction: up}", "custom_features[0].direction"),
        ])
    func refused(entry: String, field: String) throws {
        let yaml = DecisionFixtures.scoringYAML + "\ncustom_features:\n  - \(entry)\n"
        let error = try #require(throws: DecisionsError.self) { try ScoringConfiguration.load(yaml: Data(yaml.utf8), source: "s.yaml") }
        #expect(error.description.contains(field), "\(error)")
    }
}
