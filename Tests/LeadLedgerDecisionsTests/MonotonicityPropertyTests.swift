import Foundation
import LeadLedgerCore
import PropertyBased
import Testing

@testable import LeadLedgerDecisions

/// Monotone by declaration: every catalogue feature declares a direction
/// (``FeatureDirection``), and at the same event time a positive event never
/// lowers a lead's score and a negative one never raises it. The generated lead,
/// history and candidate event go through ``MonotonicityCheck/check`` (the check
/// `leadledger train --out` runs on a seeded sample), here driven by the
/// property-based generator with shrinking.
@Suite("Monotone by declaration")
struct MonotonicityPropertyTests {
    static let profiles = zip(Gen.int(in: 0...6), Gen.int(in: 0...5), Gen.int(in: 0...3), Gen.int(in: 0...3), Gen.int(in: 0...2))
    static let histories = zip(Gen.int(in: 0...10), Gen.int(in: 0...8), Gen.int(in: 1...600)).array(of: 0...8)
    static let candidates = zip(Gen.int(in: 0...10), Gen.int(in: 0...8))

    func check(_ scoring: String) async throws {
        let config = try B2BScenarioTests.load(scoring)
        var directions: [String: FeatureDirection] = [:]
        for d in config.extractor.definitions { directions[d.name] = d.direction }
        let counts = Counts()
        await propertyCheck(count: 150, input: Self.profiles, Self.histories, Self.candidates) { profile, rawHistory, candidate in
            let (kind, violation) = try MonotonicityCheck.check(
                config, directions: directions,
                profile: .init(title: profile.0, employees: profile.1, industry: profile.2, country: profile.3, domain: profile.4),
                history: rawHistory.map { MonotonicityCheck.Step(kind: $0.0, detail: $0.1, gap: $0.2) },
                candidate: .init(kind: candidate.0, detail: candidate.1, gap: 0))
            if kind > 0 { counts.positive += 1 }
            if kind < 0 { counts.negative += 1 }
            #expect(violation == nil, "\(scoring): \(violation ?? "")")
        }
        // Not vacuous: both kinds of event were checked.
        #expect(
            counts.positive >= 30 && counts.negative >= 5,
            "\(scoring): checked \(counts.positive) positive, \(counts.negative) negative events")
    }

    @Test("the default configuration is monotone in the declared directions")
    func defaultConfiguration() async throws {
        try await check("config/scoring.yaml")
    }

    @Test("the shipped ensemble is monotone in the declared directions")
    func ensembleConfiguration() async throws {
        try await check("config/ensemble/scoring.yaml")
    }

    @Test("every catalogue feature declares a direction; one-hot columns are free")
    func declarations() throws {
        let c = try B2BScenarioTests.load("examples/xeducation/scoring.yaml")
        for d in c.extractor.definitions where d.name.contains("=") { #expect(d.direction == .free, "\(d.name)") }
        let declared = Dictionary(uniqueKeysWithValues: FeatureCatalogue.builtIn.map { ($0.name, $0.direction) })
        #expect(
            declared["intent_careers"] == .negative && declared["email_unsubscribed"] == .negative && declared["intent_demo"] == .positive)
    }
}

/// Counters shared with the property's closure.
final class Counts: @unchecked Sendable {
    var positive = 0
    var negative = 0
}
