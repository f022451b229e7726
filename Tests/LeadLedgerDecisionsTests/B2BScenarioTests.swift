import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// Named B2B situations with the tier a sales team expects, run against EVERY
/// shipped configuration (`config/scoring.yaml`, `config/ensemble/scoring.yaml`,
/// both with `config/routing.yaml`). Pure: hand-built Segment, SendGrid and CRM
/// messages go through the decoder, the identity resolver, the ledger and the
/// decider, as the engine's stages do. A failure names the scenario, the
/// configuration, the lead, the expected and actual tier and the top reasons.
@Suite("B2B scenarios on every shipped configuration")
struct B2BScenarioTests {
    /// The shipped scoring configurations, relative to the repository root.
    static let shipped = ["config/scoring.yaml", "config/ensemble/scoring.yaml"]

    static func load(_ scoring: String) throws -> DecisionConfiguration {
        let root = Fixtures.repositoryRoot
        return try DecisionConfiguration.load(
            scoringConfig: root.appendingPathComponent(scoring),
            routingRules: root.appendingPathComponent("config/routing.yaml"))
    }

    /// A scenario's run: the harness (for lead ids) and the decisions made.
    struct Run {
        var harness: DecisionHarness
        var replay: Replay
        var config: String

        /// The lead of `email`.
        mutating func lead(_ email: String) throws -> String {
            let id = harness.lead(email: email)
            return try #require(id, "no lead for \(email)").description
        }

        /// The last routing record of `lead`.
        func lastRoute(_ lead: String) -> [String: Any]? { replay.routing.last { $0["lead_id"] as? String == lead } }

        /// Every routing record of `lead`.
        func routes(_ lead: String) -> [[String: Any]] { replay.routing.filter { $0["lead_id"] as? String == lead } }

        /// Audit records whose primary decision is `lead`'s.
        func audits(_ lead: String) -> [[String: Any]] { replay.audit.filter { $0["lead_id"] as? String == lead } }

        /// `scenario [config]: lead L expected … got tier (score s); reasons: …` for failure messages.
        func describe(_ scenario: String, _ lead: String, expected: String, _ record: [String: Any]?) -> String {
            guard let record else { return "\(scenario) [\(config)]: lead \(lead) expected \(expected), got no routing record" }
            let reasons = (record["reasons"] as? [[String: Any]] ?? []).map { r in
                "\(r["feature"] ?? "?")=\(r["value"] ?? "null") (\(r["contribution"] ?? 0))"
            }
            return "\(scenario) [\(config)]: lead \(lead) expected \(expected), got \(record["tier"] ?? "?") "
                + "(score \(record["score"] ?? "?"), owner \(record["owner_id"] as? String ?? "none")); top reasons: \(reasons.joined(separator: "; "))"
        }
    }

    static func run(_ config: String, _ build: (inout DecisionHarness) throws -> Void) throws -> Run {
        var h = DecisionHarness()
        try build(&h)
        var r = Replay()
        r.run(h.log[...], decider: Decider(try load(config)))
        return Run(harness: h, replay: r, config: config)
    }

    // MARK: Scenario inputs

    /// A VP of Marketing at a 3,200-employee US software company: CRM lead,
    /// identify, pricing and demo pages, a "Demo Requested" track, a click on a
    /// pricing link in an email and an "interested" email reply.
    static func vpDemoRequest(
        _ h: inout DecisionHarness, email: String = "jane.doe@acmerobotics.com", record: String = "00QVP1",
        user: String = "u-vp1", day: String = "2024-05-06"
    ) throws {
        try h.feed(
            .crm,
            crmLead(
                record, at: "\(day)T09:00:00Z",
                #""email":"\#(email)","first_name":"Jane","last_name":"Doe","title":"VP of Marketing","company":"Acme Robotics","country":"US","employees":3200,"industry":"Software""#
            ))
        try h.feed(.web, segmentIdentify(user: user, email: email, title: "VP of Marketing", at: "\(day)T10:00:00Z", id: "\(user)-i"))
        try h.feed(.web, pageView(user: user, path: "/pricing", at: "\(day)T10:01:00Z", id: "\(user)-p1"))
        try h.feed(.web, pageView(user: user, path: "/demo", at: "\(day)T10:03:00Z", id: "\(user)-p2"))
        try h.feed(.web, segmentTrack(user: user, event: "Demo Requested", path: "/demo", at: "\(day)T10:04:00Z", id: "\(user)-t1"))
        try h.feed(
            .email,
            sendGrid(
                email: email, event: "click", url: "https://vendor.io/pricing?utm_source=email", at: "\(day)T12:00:00Z", id: "\(user)-c1"))
        try h.feed(.crm, activityWithOutcome(record, email: email, kind: "email_reply", outcome: "interested", at: "\(day)T15:00:00Z"))
    }

    // MARK: Scenarios

    @Test(
        "the X Education example configurations still load against the feature catalogue",
        arguments: ["examples/xeducation/scoring.yaml", "examples/xeducation/ensemble/scoring.yaml"])
    func examplesLoad(scoring: String) throws {
        let c = try Self.load(scoring)
        #expect(c.extractor.schema.names.count > FeatureCatalogue.Index.builtInCount)
    }

    @Test("a VP demo request with a positive reply is sales_ready or sales_develop, with an owner", arguments: shipped)
    func vpDemoRequestIsSales(config: String) throws {
        var run = try Self.run(config) { try Self.vpDemoRequest(&$0) }
        let lead = try run.lead("jane.doe@acmerobotics.com")
        let last = run.lastRoute(lead)
        let tier = last?["tier"] as? String
        #expect(
            tier == "sales_ready" || tier == "sales_develop",
            "\(run.describe("vp-demo-request", lead, expected: "sales_ready or sales_develop", last))")
        #expect(last?["owner_id"] as? String != nil, "\(run.describe("vp-demo-request", lead, expected: "an owner", last))")
        // The positive reply does not lower her score.
        let scores = run.audits(lead).compactMap { $0["score"] as? Int }
        #expect(
            scores.count >= 2 && scores[scores.count - 1] >= scores[scores.count - 2],
            "vp-demo-request [\(config)]: the interested reply lowered the score: \(scores)")
    }

    @Test("a student on the careers page is nurture or disqualified", arguments: shipped)
    func studentOnCareers(config: String) throws {
        var run = try Self.run(config) { h in
            try h.feed(
                .crm,
                crmLead(
                    "00QST1", at: "2024-05-06T09:00:00Z",
                    #""email":"samstudent@gmail.com","first_name":"Sam","title":"Student","country":"IN""#))
            try h.feed(
                .web,
                segmentIdentify(user: "u-st1", email: "samstudent@gmail.com", title: "Student", at: "2024-05-06T10:00:00Z", id: "st-i"))
            try h.feed(.web, pageView(user: "u-st1", path: "/careers", at: "2024-05-06T10:01:00Z", id: "st-p1"))
            try h.feed(.web, pageView(user: "u-st1", path: "/careers/engineering", at: "2024-05-06T10:02:00Z", id: "st-p2"))
            try h.feed(.web, pageView(user: "u-st1", path: "/pricing", at: "2024-05-06T10:03:00Z", id: "st-p3"))
        }
        let lead = try run.lead("samstudent@gmail.com")
        let last = run.lastRoute(lead)
        let tier = last?["tier"] as? String
        #expect(
            tier == "nurture" || tier == "disqualified",
            "\(run.describe("student-careers", lead, expected: "nurture or disqualified", last))")
        for r in run.routes(lead) {
            #expect(
                r["tier"] as? String != "sales_ready" && r["tier"] as? String != "sales_develop",
                "\(run.describe("student-careers", lead, expected: "never a sales tier", r))")
        }
    }

    @Test(
        "an unsubscribed or bounced lead is never sales_ready; the gate rule is the first reason",
        arguments: shipped, ["unsubscribe", "bounce"])
    func unsubscribedOrBounced(config: String, event: String) throws {
        let health = (event: event, rule: event == "unsubscribe" ? "email_unsubscribed" : "email_bounced")
        var run = try Self.run(config) { h in
            try Self.vpDemoRequest(&h)
            try h.feed(
                .email,
                sendGrid(
                    email: "jane.doe@acmerobotics.com", event: health.event, url: nil, at: "2024-05-06T16:00:00Z", id: "sg-\(health.event)")
            )
            // More intent afterwards must not bring her back to sales.
            try h.feed(.web, pageView(user: "u-vp1", path: "/pricing", at: "2024-05-06T17:00:00Z", id: "vp-late"))
        }
        let lead = try run.lead("jane.doe@acmerobotics.com")
        let after = run.routes(lead).filter { ($0["event_time"] as? String ?? "") >= "2024-05-06T16:00:00" }
        #expect(!after.isEmpty, "\(health.event) [\(config)]: the lead was not re-routed after the \(health.event)")
        for r in after {
            #expect(r["tier"] as? String != "sales_ready", "\(run.describe(health.event, lead, expected: "never sales_ready", r))")
        }
        let last = run.lastRoute(lead)
        let first = (last?["reasons"] as? [[String: Any]])?.first
        #expect(
            first?["feature"] as? String == health.rule && first?["kind"] as? String == "gate",
            "\(run.describe(health.event, lead, expected: "first reason \(health.rule)", last))")
    }

    @Test("a competitor's domain is review or disqualified, with competitor_domain as the first reason", arguments: shipped)
    func competitorDomain(config: String) throws {
        let domain = try #require(try Self.load(config).scoring.competitorDomains.first, "\(config) lists no competitor domain")
        let email = "spy@" + domain
        var run = try Self.run(config) { h in
            try h.feed(
                .crm,
                crmLead(
                    "00QCP1", at: "2024-05-06T09:00:00Z",
                    #""email":"\#(email)","title":"VP of Sales","country":"US","employees":2000,"industry":"Software""#))
            try h.feed(.web, segmentIdentify(user: "u-cp1", email: email, title: "VP of Sales", at: "2024-05-06T10:00:00Z", id: "cp-i"))
            try h.feed(.web, pageView(user: "u-cp1", path: "/pricing", at: "2024-05-06T10:01:00Z", id: "cp-p1"))
            try h.feed(.web, pageView(user: "u-cp1", path: "/demo", at: "2024-05-06T10:02:00Z", id: "cp-p2"))
        }
        let lead = try run.lead(email)
        let last = run.lastRoute(lead)
        let tier = last?["tier"] as? String
        #expect(tier == "review" || tier == "disqualified", "\(run.describe("competitor", lead, expected: "review or disqualified", last))")
        let first = (last?["reasons"] as? [[String: Any]])?.first
        #expect(
            first?["feature"] as? String == "competitor_domain",
            "\(run.describe("competitor", lead, expected: "first reason competitor_domain", last))")
    }

    @Test("a second engaged contact at the same account raises the first contact's account signal", arguments: shipped)
    func secondContactRaisesAccount(config: String) throws {
        var run = try Self.run(config) { h in
            try h.feed(.crm, accountUpsert("001-GLX", domain: "globex.com", employees: 800, at: "2024-05-06T08:00:00Z"))
            try h.feed(
                .crm, crmLead("00QA1", at: "2024-05-06T09:00:00Z", #""email":"ann@globex.com","title":"Director of Sales","country":"US""#))
            try h.feed(
                .web,
                segmentIdentify(user: "u-a1", email: "ann@globex.com", title: "Director of Sales", at: "2024-05-06T09:30:00Z", id: "a-i"))
            try h.feed(.web, pageView(user: "u-a1", path: "/pricing", at: "2024-05-06T10:00:00Z", id: "a-p1"))
            try h.feed(
                .crm, crmLead("00QB1", at: "2024-05-07T09:00:00Z", #""email":"bo@globex.com","title":"Marketing Manager","country":"US""#))
            try h.feed(
                .web,
                segmentIdentify(user: "u-b1", email: "bo@globex.com", title: "Marketing Manager", at: "2024-05-07T09:30:00Z", id: "b-i"))
            try h.feed(.web, pageView(user: "u-b1", path: "/docs/getting-started", at: "2024-05-07T10:00:00Z", id: "b-p1"))
            try h.feed(.web, pageView(user: "u-a1", path: "/blog/lead-scoring", at: "2024-05-07T11:00:00Z", id: "a-p2"))
        }
        let lead = try run.lead("ann@globex.com")
        let audits = run.audits(lead)
        let before = try #require(
            audits.first { $0["event_time"] as? String == "2024-05-06T10:00:00.000Z" }, "no decision of \(lead) at her pricing view")
        let after = try #require(audits.last, "no decision of \(lead)")
        func signal(_ a: [String: Any]) -> (contacts: Double, account: Double) {
            (
                (a["features"] as? [String: Any])?["account_engaged_contacts"] as? Double ?? -1,
                (a["components"] as? [String: Any])?["account"] as? Double ?? -1
            )
        }
        let (c0, s0) = signal(before)
        let (c1, s1) = signal(after)
        #expect(c0 == 0 && c1 == 1, "account-colleague [\(config)]: engaged colleagues \(c0) → \(c1)")
        #expect(
            s1 > s0,
            "account-colleague [\(config)]: lead \(lead) account signal \(s0) → \(s1) (tier \(after["tier"] ?? "?"), reasons \(after["reasons"] ?? "-"))"
        )
    }

    @Test("a named account owner receives the lead", arguments: shipped)
    func accountOwnerReceives(config: String) throws {
        var run = try Self.run(config) { h in
            try h.feed(
                .crm, accountUpsert("001-ACR", domain: "acmerobotics.com", owner: "rep-7", employees: 3200, at: "2024-05-06T08:00:00Z"))
            try Self.vpDemoRequest(&h)
        }
        let lead = try run.lead("jane.doe@acmerobotics.com")
        let last = run.lastRoute(lead)
        #expect(
            last?["owner_id"] as? String == "rep-7", "\(run.describe("account-owner", lead, expected: "owner rep-7 in a sales tier", last))"
        )
    }

    @Test("a new lead's reasons name only what it has; a lead with nothing known has no reason", arguments: shipped)
    func reasonsNameWhatTheLeadHas(config: String) throws {
        var run = try Self.run(config) { h in
            try h.feed(.crm, crmLead("00QN1", at: "2024-05-06T09:00:00Z", #""email":"new.person@initech.com""#))
            try Self.vpDemoRequest(&h)
        }
        for record in run.replay.routing {
            let features =
                (run.replay.audit.first { $0["routing_decision_id"] as? String == record["decision_id"] as? String }?["features"]
                    as? [String: Any]) ?? [:]
            for reason in record["reasons"] as? [[String: Any]] ?? [] where reason["kind"] == nil {
                let name = reason["feature"] as? String ?? "?"
                let value = reason["value"] as? Double
                #expect(
                    value != nil && value != 0,
                    "\(config): reason \(name) = \(reason["value"] ?? "null") names something the lead does not have")
                if let v = features[name] as? Double { #expect(v == value) }
            }
        }
        let lead = try run.lead("new.person@initech.com")
        let first = try #require(run.routes(lead).first)
        let names = (first["reasons"] as? [[String: Any]] ?? []).compactMap { $0["feature"] as? String }
        #expect(!names.contains("tracks_decayed") && !names.contains("crm_activities_decayed"), "\(config): \(names)")
    }
}

// MARK: Message builders (Segment, SendGrid and CRM shapes as in Tests/LeadLedgerCoreTests/Fixtures)

/// A Segment `identify` with email and title traits.
func segmentIdentify(user: String, email: String, title: String, at time: String, id: String) -> String {
    #"{"type":"identify","messageId":"\#(id)","userId":"\#(user)","timestamp":"\#(time)","context":{"library":{"name":"analytics.js","version":"2.11.1"}},"traits":{"email":"\#(email)","title":"\#(title)"}}"#
}

/// A Segment `track` of `event` on page `path`.
func segmentTrack(user: String, event: String, path: String, at time: String, id: String) -> String {
    #"{"type":"track","event":"\#(event)","messageId":"\#(id)","userId":"\#(user)","timestamp":"\#(time)","context":{"page":{"path":"\#(path)","url":"https://vendor.io\#(path)"}},"properties":{"plan":"enterprise"}}"#
}

/// A one-event SendGrid webhook batch.
func sendGrid(email: String, event: String, url: String?, at time: String, id: String) -> String {
    let seconds = Int(EventTime.parseRFC3339(time)!.milliseconds / 1000)
    let u = url.map { #","url":"\#($0)""# } ?? ""
    let extra = event == "bounce" ? #","type":"bounce","reason":"550 5.1.1 unknown user""# : ""
    return
        #"[{"email":"\#(email)","timestamp":\#(seconds),"event":"\#(event)","sg_event_id":"\#(id)","sg_message_id":"msg-\#(id)"\#(u)\#(extra)}]"#
}

/// A CRM `activity.logged` with an outcome.
func activityWithOutcome(_ record: String, email: String, kind: String, outcome: String, at time: String) -> String {
    #"{"event_id":"act-\#(record)-\#(time)","type":"activity.logged","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(record)","activity":{"kind":"\#(kind)","email":"\#(email)","outcome":"\#(outcome)"}}"#
}
