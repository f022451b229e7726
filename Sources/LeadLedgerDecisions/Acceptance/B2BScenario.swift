import LeadLedgerCore

/// A named B2B situation with the outcome a sales team expects, checked against
/// a decision configuration: hand-built Segment, SendGrid and CRM messages go
/// through the engine's decoders, identity resolver, projections and decider
/// (``ScenarioHarness``). The suite (``all``) runs in CI against every shipped
/// configuration and in `leadledger train --out` against every candidate.
package struct B2BScenario: Sendable {
    /// A short stable name (`vp-demo-request`).
    package var name: String
    /// What is expected, in words.
    package var expectation: String
    /// Returns one message per failed expectation (empty when the scenario passes).
    let check: @Sendable (DecisionConfiguration) throws -> [String]

    /// The outcome of one scenario on one configuration.
    package struct Outcome: Sendable, Equatable {
        package var scenario: String
        /// One line per failed expectation: the lead, the expected and actual tier, the top reasons.
        package var failures: [String]
        package var passed: Bool { failures.isEmpty }
    }

    /// Runs the scenario; an input the pipeline rejects is a failure, not a crash.
    package func run(_ configuration: DecisionConfiguration) -> Outcome {
        do {
            return Outcome(scenario: name, failures: try check(configuration))
        } catch {
            return Outcome(scenario: name, failures: ["\(name): the scenario's input was rejected: \(error)"])
        }
    }

    /// Runs every scenario of ``all``.
    package static func runAll(_ configuration: DecisionConfiguration) -> [Outcome] { all.map { $0.run(configuration) } }

    /// The suite.
    package static let all: [B2BScenario] = [
        vpDemoRequest, studentOnCareers, suppressed("unsubscribe", rule: "email_unsubscribed"),
        suppressed("bounce", rule: "email_bounced"), competitorDomain, secondContactRaisesAccount, accountOwnerReceives,
        reasonsNameWhatTheLeadHas,
    ]

    static let salesTiers: Set<String> = ["sales_ready", "sales_develop"]

    /// `scenario: lead L expected …, got tier (score s, owner o); top reasons: …`.
    static func describe(_ scenario: String, _ lead: String, expected: String, _ record: RoutingRecordView?) -> String {
        guard let record else { return "\(scenario): lead \(lead) expected \(expected), got no routing record" }
        let reasons = record.reasons.prefix(5).map { r in
            "\(r.feature)=\(r.value.map(describe) ?? "null") (\(r.contribution))"
        }
        return "\(scenario): lead \(lead) expected \(expected), got \(record.tier) "
            + "(score \(Int(record.score)), owner \(record.ownerID ?? "none")); top reasons: \(reasons.joined(separator: "; "))"
    }

    static func describe(_ value: RecordReason.Value) -> String {
        switch value {
        case .number(let n): "\(n)"
        case .string(let s): s
        case .bool(let b): "\(b)"
        case .null: "null"
        }
    }

    /// A VP of Marketing at a 3,200-employee US software company: CRM lead,
    /// identify, pricing and demo pages, a "Demo Requested" track, a click on a
    /// pricing link in an email and an "interested" email reply.
    static func feedVPDemoRequest(_ h: inout ScenarioHarness, email: String = "jane.doe@acmerobotics.com") throws {
        let record = "00QVP1"
        let user = "u-vp1"
        let day = "2024-05-06"
        try h.feed(
            .crm,
            SampleMessage.crmLead(
                record, at: "\(day)T09:00:00Z",
                #""email":"\#(email)","first_name":"Jane","last_name":"Doe","title":"VP of Marketing","company":"Acme Robotics","country":"US","employees":3200,"industry":"Software""#
            ))
        try h.feed(
            .web, SampleMessage.segmentIdentify(user: user, email: email, title: "VP of Marketing", at: "\(day)T10:00:00Z", id: "\(user)-i")
        )
        try h.feed(.web, SampleMessage.pageView(user: user, path: "/pricing", at: "\(day)T10:01:00Z", id: "\(user)-p1"))
        try h.feed(.web, SampleMessage.pageView(user: user, path: "/demo", at: "\(day)T10:03:00Z", id: "\(user)-p2"))
        try h.feed(
            .web, SampleMessage.segmentTrack(user: user, event: "Demo Requested", path: "/demo", at: "\(day)T10:04:00Z", id: "\(user)-t1"))
        try h.feed(
            .email,
            SampleMessage.sendGrid(
                email: email, event: "click", url: "https://vendor.io/pricing?utm_source=email", at: "\(day)T12:00:00Z", id: "\(user)-c1"))
        try h.feed(
            .crm, SampleMessage.crmActivity(record, email: email, kind: "email_reply", outcome: "interested", at: "\(day)T15:00:00Z"))
    }

    static let vpDemoRequest = B2BScenario(
        name: "vp-demo-request",
        expectation:
            "a VP demo request with a positive reply is sales_ready or sales_develop, with an owner, and the reply does not lower the score"
    ) { configuration in
        var h = ScenarioHarness()
        try feedVPDemoRequest(&h)
        let lead = h.lead(email: "jane.doe@acmerobotics.com") ?? "?"
        let decisions = try h.decide(configuration)
        let last = decisions.routes(lead).last
        var failures: [String] = []
        if !salesTiers.contains(last?.tier ?? "") {
            failures.append(describe("vp-demo-request", lead, expected: "sales_ready or sales_develop", last))
        }
        if last?.ownerID == nil { failures.append(describe("vp-demo-request", lead, expected: "an owner", last)) }
        let scores = decisions.audits(lead).compactMap { $0.decision?.score }
        if scores.count < 2 || scores[scores.count - 1] < scores[scores.count - 2] {
            failures.append("vp-demo-request: lead \(lead): the interested reply lowered the score: \(scores.map { Int($0) })")
        }
        return failures
    }

    static let studentOnCareers = B2BScenario(
        name: "student-careers", expectation: "a student on the careers page is nurture or disqualified, never a sales tier"
    ) { configuration in
        var h = ScenarioHarness()
        let email = "samstudent@gmail.com"
        try h.feed(
            .crm,
            SampleMessage.crmLead(
                "00QST1", at: "2024-05-06T09:00:00Z", #""email":"\#(email)","first_name":"Sam","title":"Student","country":"IN""#))
        try h.feed(
            .web, SampleMessage.segmentIdentify(user: "u-st1", email: email, title: "Student", at: "2024-05-06T10:00:00Z", id: "st-i"))
        try h.feed(.web, SampleMessage.pageView(user: "u-st1", path: "/careers", at: "2024-05-06T10:01:00Z", id: "st-p1"))
        try h.feed(.web, SampleMessage.pageView(user: "u-st1", path: "/careers/engineering", at: "2024-05-06T10:02:00Z", id: "st-p2"))
        try h.feed(.web, SampleMessage.pageView(user: "u-st1", path: "/pricing", at: "2024-05-06T10:03:00Z", id: "st-p3"))
        let lead = h.lead(email: email) ?? "?"
        let routes = try h.decide(configuration).routes(lead)
        var failures: [String] = []
        if !["nurture", "disqualified"].contains(routes.last?.tier ?? "") {
            failures.append(describe("student-careers", lead, expected: "nurture or disqualified", routes.last))
        }
        for r in routes where salesTiers.contains(r.tier) {
            failures.append(describe("student-careers", lead, expected: "never a sales tier", r))
        }
        return failures
    }

    /// An unsubscribe or a bounce after a demo request: never sales_ready again, and the gate rule is the first reason.
    static func suppressed(_ event: String, rule: String) -> B2BScenario {
        B2BScenario(
            name: event == "unsubscribe" ? "unsubscribed" : "bounced",
            expectation: "an \(event == "unsubscribe" ? "unsubscribed" : "bounced") lead is never sales_ready; \(rule) is the first reason"
        ) { configuration in
            let email = "jane.doe@acmerobotics.com"
            var h = ScenarioHarness()
            try feedVPDemoRequest(&h)
            try h.feed(.email, SampleMessage.sendGrid(email: email, event: event, url: nil, at: "2024-05-06T16:00:00Z", id: "sg-\(event)"))
            // More intent afterwards must not bring the lead back to sales.
            try h.feed(.web, SampleMessage.pageView(user: "u-vp1", path: "/pricing", at: "2024-05-06T17:00:00Z", id: "vp-late"))
            let lead = h.lead(email: email) ?? "?"
            let routes = try h.decide(configuration).routes(lead)
            let after = routes.filter { $0.eventTime >= "2024-05-06T16:00:00" }
            var failures: [String] = []
            if after.isEmpty { failures.append("\(event): lead \(lead) was not re-routed after the \(event)") }
            for r in after where r.tier == "sales_ready" { failures.append(describe(event, lead, expected: "never sales_ready", r)) }
            let first = routes.last?.reasons.first
            if first?.feature != rule || first?.isGateRule != true {
                failures.append(describe(event, lead, expected: "first reason \(rule) (the gate rule)", routes.last))
            }
            return failures
        }
    }

    static let competitorDomain = B2BScenario(
        name: "competitor-domain", expectation: "a competitor's domain is review or disqualified, competitor_domain the first reason"
    ) { configuration in
        guard let domain = configuration.scoring.competitorDomains.first else {
            return ["competitor-domain: the configuration lists no competitor domain"]
        }
        let email = "spy@" + domain
        var h = ScenarioHarness()
        try h.feed(
            .crm,
            SampleMessage.crmLead(
                "00QCP1", at: "2024-05-06T09:00:00Z",
                #""email":"\#(email)","title":"VP of Sales","country":"US","employees":2000,"industry":"Software""#))
        try h.feed(
            .web, SampleMessage.segmentIdentify(user: "u-cp1", email: email, title: "VP of Sales", at: "2024-05-06T10:00:00Z", id: "cp-i"))
        try h.feed(.web, SampleMessage.pageView(user: "u-cp1", path: "/pricing", at: "2024-05-06T10:01:00Z", id: "cp-p1"))
        try h.feed(.web, SampleMessage.pageView(user: "u-cp1", path: "/demo", at: "2024-05-06T10:02:00Z", id: "cp-p2"))
        let lead = h.lead(email: email) ?? "?"
        let last = try h.decide(configuration).routes(lead).last
        var failures: [String] = []
        if !["review", "disqualified"].contains(last?.tier ?? "") {
            failures.append(describe("competitor-domain", lead, expected: "review or disqualified", last))
        }
        if last?.reasons.first?.feature != "competitor_domain" {
            failures.append(describe("competitor-domain", lead, expected: "first reason competitor_domain", last))
        }
        return failures
    }

    static let secondContactRaisesAccount = B2BScenario(
        name: "account-colleague", expectation: "a second engaged contact at the same account raises the first contact's account signal"
    ) { configuration in
        var h = ScenarioHarness()
        try h.feed(.crm, SampleMessage.accountUpsert("001-GLX", domain: "globex.com", employees: 800, at: "2024-05-06T08:00:00Z"))
        try h.feed(
            .crm,
            SampleMessage.crmLead(
                "00QA1", at: "2024-05-06T09:00:00Z", #""email":"ann@globex.com","title":"Director of Sales","country":"US""#))
        try h.feed(
            .web,
            SampleMessage.segmentIdentify(
                user: "u-a1", email: "ann@globex.com", title: "Director of Sales", at: "2024-05-06T09:30:00Z", id: "a-i"))
        try h.feed(.web, SampleMessage.pageView(user: "u-a1", path: "/pricing", at: "2024-05-06T10:00:00Z", id: "a-p1"))
        try h.feed(
            .crm,
            SampleMessage.crmLead(
                "00QB1", at: "2024-05-07T09:00:00Z", #""email":"bo@globex.com","title":"Marketing Manager","country":"US""#))
        try h.feed(
            .web,
            SampleMessage.segmentIdentify(
                user: "u-b1", email: "bo@globex.com", title: "Marketing Manager", at: "2024-05-07T09:30:00Z", id: "b-i"))
        try h.feed(.web, SampleMessage.pageView(user: "u-b1", path: "/docs/getting-started", at: "2024-05-07T10:00:00Z", id: "b-p1"))
        try h.feed(.web, SampleMessage.pageView(user: "u-a1", path: "/blog/lead-scoring", at: "2024-05-07T11:00:00Z", id: "a-p2"))
        let lead = h.lead(email: "ann@globex.com") ?? "?"
        let audits = try h.decide(configuration).audits(lead)
        guard let before = audits.first(where: { $0.eventTime == "2024-05-06T10:00:00.000Z" }), let after = audits.last else {
            return ["account-colleague: lead \(lead) has no decision at her pricing view or later"]
        }
        let contacts = (before.features["account_engaged_contacts"] ?? nil, after.features["account_engaged_contacts"] ?? nil)
        let signal = (before.components["account"] ?? nil, after.components["account"] ?? nil)
        var failures: [String] = []
        if contacts.0 != 0 || contacts.1 != 1 {
            failures.append("account-colleague: lead \(lead): engaged colleagues \(contacts.0 ?? -1) → \(contacts.1 ?? -1), expected 0 → 1")
        }
        if !((signal.1 ?? 0) > (signal.0 ?? 0)) {
            failures.append(
                "account-colleague: lead \(lead): account signal \(signal.0 ?? -1) → \(signal.1 ?? -1), expected a rise (tier \(after.decision?.tier ?? "?"))"
            )
        }
        return failures
    }

    static let accountOwnerReceives = B2BScenario(
        name: "account-owner", expectation: "a named account owner receives the lead"
    ) { configuration in
        var h = ScenarioHarness()
        try h.feed(
            .crm,
            SampleMessage.accountUpsert("001-ACR", domain: "acmerobotics.com", owner: "rep-7", employees: 3200, at: "2024-05-06T08:00:00Z"))
        try feedVPDemoRequest(&h)
        let lead = h.lead(email: "jane.doe@acmerobotics.com") ?? "?"
        let last = try h.decide(configuration).routes(lead).last
        return last?.ownerID == "rep-7" ? [] : [describe("account-owner", lead, expected: "owner rep-7", last)]
    }

    static let reasonsNameWhatTheLeadHas = B2BScenario(
        name: "reasons-present",
        expectation: "reasons name only what the lead has: a feature reason has a non-zero value equal to the audited feature"
    ) { configuration in
        var h = ScenarioHarness()
        try h.feed(.crm, SampleMessage.crmLead("00QN1", at: "2024-05-06T09:00:00Z", #""email":"new.person@initech.com""#))
        try feedVPDemoRequest(&h)
        let decisions = try h.decide(configuration)
        var failures: [String] = []
        for record in decisions.routing {
            let audited = decisions.audit.first { $0.decision?.routingDecisionID == record.decisionID }?.features ?? [:]
            for reason in record.reasons where reason.kind == .feature {
                guard case .number(let value) = reason.value, value != 0 else {
                    failures.append(describe("reasons-present", record.leadID, expected: "reason \(reason.feature) to be present", record))
                    continue
                }
                if let audit = audited[reason.feature] ?? nil, audit != value {
                    failures.append("reasons-present: \(reason.feature) = \(value) in the routing record, \(audit) in the audit")
                }
            }
        }
        return failures
    }
}
