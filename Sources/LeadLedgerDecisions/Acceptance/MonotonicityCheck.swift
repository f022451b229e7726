import LeadLedgerCore

/// Monotone by declaration, checked on a configuration: at the same event time a
/// positive event never lowers a lead's score and a negative one never raises it.
///
/// For a seeded sample of leads (title, company size, industry, country, mail
/// domain) and histories of Segment, SendGrid and CRM messages, the lead is decided
/// at a time T twice: after a neutral probe (a CRM `lead.updated` that changes only
/// the phone) and after a candidate message at the same T. The two audited feature
/// rows classify the candidate by the declared directions: positive when every
/// change is an increase of a `positive` feature or a decrease of a `negative` one,
/// negative in the mirror case, otherwise (a careers view raises page views and the
/// careers signal) not checked. `leadledger train --out` runs it on every
/// candidate; the property test runs the same classification on generated inputs.
package struct MonotonicityCheck: Sendable {
    /// How many sampled (lead, history, candidate) triples.
    package var samples: Int
    package var seed: UInt64

    package init(samples: Int = 150, seed: UInt64 = 1) {
        self.samples = samples
        self.seed = seed
    }

    /// What the check saw.
    package struct Report: Sendable, Equatable {
        /// Candidates classified positive and checked.
        package var positive = 0
        /// Candidates classified negative and checked.
        package var negative = 0
        /// One line per violation (at most ten kept), naming the event and the score change.
        package var violations: [String] = []
        package var violationCount = 0
        package var passed: Bool { violationCount == 0 }
    }

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
    static let outcomes: [String?] = ["interested", "not_interested", "connected", "left_voicemail", "positive", nil]
    static let trackEvents = [
        "Pricing Calculator Used", "Demo Requested", "Contact Form Submitted", "Docs Searched", "Whitepaper Downloaded",
        "Job Application Started",
    ]
    /// Message kinds: 0 page, 1 track, 2 open, 3 click, 4 call, 5 meeting, 6 email reply, 7 note,
    /// 8 unsubscribe, 9 bounce, 10 spam report.
    package static let kinds = 11

    /// A generated lead: indexes into the value lists above.
    package struct Profile: Sendable {
        package var title: Int, employees: Int, industry: Int, country: Int, domain: Int
        package init(title: Int, employees: Int, industry: Int, country: Int, domain: Int) {
            (self.title, self.employees, self.industry, self.country, self.domain) = (title, employees, industry, country, domain)
        }
    }

    /// One generated message: its kind, a detail index, and the minutes since the previous one.
    package struct Step: Sendable {
        package var kind: Int, detail: Int, gap: Int
        package init(kind: Int, detail: Int, gap: Int) { (self.kind, self.detail, self.gap) = (kind, detail, gap) }
    }

    /// The message of `kind` at `time`.
    package static func message(_ kind: Int, _ detail: Int, email: String, at time: String, id: String) -> (InboundTopic, String) {
        let path = paths[detail % paths.count]
        switch kind {
        case 0: return (.web, SampleMessage.pageView(user: "u-m", path: path, at: time, id: id))
        case 1:
            return (
                .web,
                SampleMessage.segmentTrack(user: "u-m", event: trackEvents[detail % trackEvents.count], path: path, at: time, id: id)
            )
        case 2: return (.email, SampleMessage.sendGrid(email: email, event: "open", url: nil, at: time, id: id))
        case 3: return (.email, SampleMessage.sendGrid(email: email, event: "click", url: "https://vendor.io" + path, at: time, id: id))
        case 4, 5, 6, 7:
            let activity = ["call", "meeting", "email_reply", "note"][kind - 4]
            return (
                .crm,
                SampleMessage.crmActivity("00QM1", email: email, kind: activity, outcome: outcomes[detail % outcomes.count], at: time)
            )
        case 8: return (.email, SampleMessage.sendGrid(email: email, event: "unsubscribe", url: nil, at: time, id: id))
        case 9: return (.email, SampleMessage.sendGrid(email: email, event: "bounce", url: nil, at: time, id: id))
        default: return (.email, SampleMessage.sendGrid(email: email, event: "spamreport", url: nil, at: time, id: id))
        }
    }

    /// RFC 3339 time `minutes` after a fixed start.
    package static func time(_ minutes: Int) -> String {
        EventTime(milliseconds: 1_714_986_000_000 + Int64(minutes) * 60_000).rfc3339
    }

    /// The lead's last audited decision (features and score) after `history`, a neutral
    /// probe at `minute`, and `last` when given.
    package static func decide(
        _ configuration: DecisionConfiguration, profile: Profile, history: [Step], last: Step?, at minute: Int
    ) throws -> AuditRecordView? {
        var h = ScenarioHarness()
        let email = "morganlee@" + domains[profile.domain % domains.count]
        let title = titles[profile.title % titles.count]
        try h.feed(
            .crm,
            SampleMessage.crmLead(
                "00QM1", at: time(0),
                #""email":"\#(email)","title":"\#(title)","employees":\#(employees[profile.employees % employees.count]),"industry":"\#(industries[profile.industry % industries.count])","country":"\#(countries[profile.country % countries.count])""#
            ))
        try h.feed(.web, SampleMessage.segmentIdentify(user: "u-m", email: email, title: title, at: time(1), id: "m-i"))
        var clock = 2
        for (n, step) in history.enumerated() {
            clock += step.gap
            let (topic, json) = message(step.kind, step.detail, email: email, at: time(clock), id: "m-h\(n)")
            try h.feed(topic, json)
        }
        try h.feed(.crm, SampleMessage.crmLead("00QM1", at: time(minute), #""phone":"+1 415 555 0100""#, type: "lead.updated"))
        if let last {
            let (topic, json) = message(last.kind, last.detail, email: email, at: time(minute), id: "m-last")
            try h.feed(topic, json)
        }
        guard let lead = h.lead(email: email) else { return nil }
        return try h.decide(configuration).audits(lead).last
    }

    /// +1 positive, −1 negative, 0 neither (mixed, a `free` feature moved, or nothing moved).
    package static func classify(before: [String: Double?], after: [String: Double?], directions: [String: FeatureDirection]) -> Int {
        var up = false
        var down = false
        for (name, direction) in directions {
            let a = before[name] ?? nil
            let b = after[name] ?? nil
            if a == b { continue }
            guard let a, let b, direction != .free else { return 0 }
            if (b > a) == (direction == .positive) { up = true } else { down = true }
        }
        return up && !down ? 1 : down && !up ? -1 : 0
    }

    /// Checks one (profile, history, candidate) triple; returns the violation, if any, and the class checked.
    package static func check(
        _ configuration: DecisionConfiguration, directions: [String: FeatureDirection], profile: Profile, history: [Step],
        candidate: Step
    ) throws -> (kind: Int, violation: String?) {
        let minute = 2 + history.reduce(0) { $0 + $1.gap } + 30
        guard let before = try decide(configuration, profile: profile, history: history, last: nil, at: minute),
            let after = try decide(configuration, profile: profile, history: history, last: candidate, at: minute),
            let scoreBefore = before.decision?.score, let scoreAfter = after.decision?.score
        else { return (0, "no decision for the sampled lead") }
        let kind = classify(before: before.features, after: after.features, directions: directions)
        let changed = directions.keys.filter { (before.features[$0] ?? nil) != (after.features[$0] ?? nil) }.sorted()
        if kind > 0 && scoreAfter < scoreBefore {
            return (
                kind,
                "a positive event (kind \(candidate.kind), detail \(candidate.detail)) lowered the score \(Int(scoreBefore)) → \(Int(scoreAfter)); changed \(changed)"
            )
        }
        if kind < 0 && scoreAfter > scoreBefore {
            return (
                kind,
                "a negative event (kind \(candidate.kind), detail \(candidate.detail)) raised the score \(Int(scoreBefore)) → \(Int(scoreAfter)); changed \(changed)"
            )
        }
        return (kind, nil)
    }

    /// Runs the seeded sample on `configuration`.
    package func run(_ configuration: DecisionConfiguration) throws -> Report {
        var directions: [String: FeatureDirection] = [:]
        for d in configuration.extractor.definitions { directions[d.name] = d.direction }
        var random = SplitMix64(seed: seed)
        var report = Report()
        for _ in 0..<samples {
            let profile = Profile(
                title: random.below(Self.titles.count), employees: random.below(Self.employees.count),
                industry: random.below(Self.industries.count), country: random.below(Self.countries.count),
                domain: random.below(Self.domains.count))
            let history = (0..<random.below(9)).map { _ in
                Step(kind: random.below(Self.kinds), detail: random.below(9), gap: 1 + random.below(600))
            }
            let candidate = Step(kind: random.below(Self.kinds), detail: random.below(9), gap: 0)
            let (kind, violation) = try Self.check(
                configuration, directions: directions, profile: profile, history: history, candidate: candidate)
            if kind > 0 { report.positive += 1 }
            if kind < 0 { report.negative += 1 }
            if let violation {
                report.violationCount += 1
                if report.violations.count < 10 { report.violations.append(violation) }
            }
        }
        return report
    }
}
