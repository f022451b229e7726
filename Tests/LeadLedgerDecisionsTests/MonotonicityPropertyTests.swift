import Foundation
import LeadLedgerCore
import PropertyBased
import Testing

@testable import LeadLedgerDecisions

/// Monotone by declaration: every catalogue feature declares a direction
/// (``FeatureDirection``), and at the same event time a positive event never
/// lowers a lead's score and a negative one never raises it.
///
/// For a generated lead (title, company size, industry, country, mail domain)
/// and a generated history of Segment, SendGrid and CRM messages, the lead is
/// decided at time T twice: once after a neutral probe (a CRM `lead.updated`
/// that changes only the phone: no feature moves) and once after a generated
/// candidate message at the same T. The two feature rows (from the audit
/// records) classify the candidate by the declared directions, as the issue
/// defines it: positive when every change is an increase of a `positive`
/// feature or a decrease of a `negative` one, negative in the mirror case,
/// otherwise (a careers view: page views up AND careers up) not checked.
@Suite("Monotone by declaration")
struct MonotonicityPropertyTests {
    static let titles = [
        "VP of Marketing", "Director of Sales", "Marketing Manager", "Data Analyst", "Chief Revenue Officer", "Head of IT", "",
    ]
    static let employees = [12, 45, 180, 850, 2_400, 60_000]
    static let industries = ["Software", "Retail", "Financial Services", "Education"]
    static let countries = ["US", "DE", "IN", "BR"]
    static let domains = ["acme-robotics.com", "globex.io", "gmail.com"]
    static let paths = [
        "/pricing", "/demo", "/contact-sales", "/docs/api", "/case-studies/acme", "/careers", "/blog/scoring", "/", "/webinars/may",
    ]
    static let outcomes = ["interested", "not_interested", "connected", "left_voicemail", "positive", ""]

    /// One generated message about the lead: (kind, detail, gap in minutes before it).
    typealias Step = (kind: Int, detail: Int, gap: Int)

    /// The message of `kind` (0 page, 1 track, 2 open, 3 click, 4 call, 5 meeting, 6 email reply, 7 note,
    /// 8 unsubscribe, 9 bounce, 10 spam report) at `time`.
    static func message(_ kind: Int, _ detail: Int, email: String, at time: String, id: String) -> (InboundTopic, String) {
        let path = paths[detail % paths.count]
        let outcome = outcomes[detail % outcomes.count]
        switch kind {
        case 0: return (.web, pageView(user: "u-m", path: path, at: time, id: id))
        case 1:
            return (
                .web,
                segmentTrack(
                    user: "u-m",
                    event: [
                        "Pricing Calculator Used", "Demo Requested", "Contact Form Submitted", "Docs Searched", "Whitepaper Downloaded",
                        "Job Application Started",
                    ][detail % 6], path: path, at: time, id: id)
            )
        case 2: return (.email, sendGrid(email: email, event: "open", url: nil, at: time, id: id))
        case 3: return (.email, sendGrid(email: email, event: "click", url: "https://vendor.io" + path, at: time, id: id))
        case 4, 5, 6, 7:
            let kindName = ["call", "meeting", "email_reply", "note"][kind - 4]
            return (
                .crm,
                activityWithOutcome("00QM1", email: email, kind: kindName, outcome: outcome, at: time).replacingOccurrences(
                    of: #""outcome":"""#, with: #""outcome":null"#)
            )
        case 8: return (.email, sendGrid(email: email, event: "unsubscribe", url: nil, at: time, id: id))
        case 9: return (.email, sendGrid(email: email, event: "bounce", url: nil, at: time, id: id))
        default: return (.email, sendGrid(email: email, event: "spamreport", url: nil, at: time, id: id))
        }
    }

    static func time(_ minutes: Int) -> String {
        EventTime(milliseconds: 1_714_986_000_000 + Int64(minutes) * 60_000).rfc3339
    }

    /// The lead's audit decision after the last message of `history` followed by `last`.
    static func decide(
        _ config: DecisionConfiguration, profile: (Int, Int, Int, Int, Int), history: [Step], last: (InboundTopic, String)?,
        at minute: Int
    ) throws -> [String: Any]? {
        var h = DecisionHarness()
        let (t, e, i, c, d) = profile
        let email = "morganlee@" + domains[d % domains.count]
        try h.feed(
            .crm,
            crmLead(
                "00QM1", at: time(0),
                #""email":"\#(email)","title":"\#(titles[t % titles.count])","employees":\#(employees[e % employees.count]),"industry":"\#(industries[i % industries.count])","country":"\#(countries[c % countries.count])""#
            ))
        try h.feed(.web, segmentIdentify(user: "u-m", email: email, title: titles[t % titles.count], at: time(1), id: "m-i"))
        var minute0 = 2
        for (n, step) in history.enumerated() {
            minute0 += step.gap
            let (topic, json) = message(step.kind, step.detail, email: email, at: time(minute0), id: "m-h\(n)")
            try h.feed(topic, json)
        }
        let probe = crmLead("00QM1", at: time(minute), #""phone":"+1 415 555 0100""#, type: "lead.updated")
        try h.feed(.crm, probe)
        if let last { try h.feed(last.0, last.1.replacingOccurrences(of: "LAST_EMAIL", with: email)) }
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        let lead = h.lead(email: email)?.description
        return r.audit.last { $0["lead_id"] as? String == lead }
    }

    /// +1 positive, −1 negative, 0 neither (mixed, free or unchanged), by the declared directions.
    static func classify(before: [String: Any], after: [String: Any], directions: [String: FeatureDirection]) -> Int {
        var up = false
        var down = false
        for (name, direction) in directions {
            let a = before[name] as? Double
            let b = after[name] as? Double
            if a == b { continue }
            guard let a, let b, direction != .free else { return 0 }
            let raises = (b > a) == (direction == .positive)
            if raises { up = true } else { down = true }
        }
        return up && !down ? 1 : down && !up ? -1 : 0
    }

    static let profiles = zip(Gen.int(in: 0...6), Gen.int(in: 0...5), Gen.int(in: 0...3), Gen.int(in: 0...3), Gen.int(in: 0...2))
    static let histories = zip(Gen.int(in: 0...10), Gen.int(in: 0...8), Gen.int(in: 1...600)).array(of: 0...8)
    static let candidates = zip(Gen.int(in: 0...10), Gen.int(in: 0...8))

    func check(_ scoring: String) async throws {
        let config = try B2BScenarioTests.load(scoring)
        var directions: [String: FeatureDirection] = [:]
        for d in config.extractor.definitions { directions[d.name] = d.direction }
        let counts = Counts()
        await propertyCheck(count: 150, input: Self.profiles, Self.histories, Self.candidates) { profile, rawHistory, candidate in
            let history = rawHistory.map { Step(kind: $0.0, detail: $0.1, gap: $0.2) }
            let minute = 2 + history.reduce(0) { $0 + $1.gap } + 30
            let (topic, json) = Self.message(candidate.0, candidate.1, email: "LAST_EMAIL", at: Self.time(minute), id: "m-last")
            guard let before = try Self.decide(config, profile: profile, history: history, last: nil, at: minute),
                let after = try Self.decide(config, profile: profile, history: history, last: (topic, json), at: minute),
                let fb = before["features"] as? [String: Any], let fa = after["features"] as? [String: Any],
                let sb = before["score"] as? Int, let sa = after["score"] as? Int
            else {
                Issue.record("\(scoring): no decision for the lead")
                return
            }
            let kind = Self.classify(before: fb, after: fa, directions: directions)
            let changed = directions.keys.filter { (fb[$0] as? Double) != (fa[$0] as? Double) }.sorted()
            if kind > 0 {
                counts.positive += 1
                #expect(
                    sa >= sb,
                    "\(scoring): positive event (kind \(candidate.0), detail \(candidate.1)) lowered the score \(sb) → \(sa); changed \(changed)"
                )
            } else if kind < 0 {
                counts.negative += 1
                #expect(
                    sa <= sb,
                    "\(scoring): negative event (kind \(candidate.0), detail \(candidate.1)) raised the score \(sb) → \(sa); changed \(changed)"
                )
            }
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
