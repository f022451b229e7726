import Foundation
import LeadLedgerCore

@testable import LeadLedgerDecisions

/// Inbound JSON → InboundDecoder → IdentityResolver → canonical log (partition 0,
/// offsets in order) → Ledger → Decider. Keeps every output for comparison.
struct DecisionHarness {
    var resolver = IdentityResolver()
    let decoder = InboundDecoder()
    var log: [CanonicalEvent] = []
    var sourceOffset: [String: Int64] = [:]

    /// Resolves one inbound message into canonical events appended to the log.
    mutating func feed(_ topic: InboundTopic, _ json: String) throws {
        let name = topic == .crm ? "crm.events" : topic == .web ? "web.events" : "email.events"
        let off = sourceOffset[name, default: 0]
        sourceOffset[name] = off + 1
        let inbound = try decoder.decode(topic: topic, bytes: Array(json.utf8))
        log += resolver.resolve(inbound, at: SourcePosition(topic: name, partition: 0, offset: off))
    }

    /// The lead id the resolver gave an email.
    mutating func lead(email: String) -> LeadID? { resolver.lead(for: Identifier(.email, email)) }
}

/// Runs a log through a fresh Ledger + Decider; optionally snapshots the
/// decision state after `snapshotAt` events and continues from the restored copy.
struct Replay {
    var ledger = Ledger()
    var state = DecisionState()
    var outputs: [DecisionOutput] = []
    /// The decider's feature names, for reading audit records by name (``audit``).
    var featureNames: [String] = []

    mutating func run(_ log: ArraySlice<CanonicalEvent>, decider: Decider, startOffset: Int64 = 0) {
        featureNames = decider.configuration.extractor.schema.names
        var offset = startOffset
        var effects: [ProjectionEffect] = []
        for e in log {
            effects.removeAll(keepingCapacity: true)
            ledger.apply(e, effects: &effects)
            outputs.append(decider.decide(event: e, effects: effects, ledger: ledger, logPartition: 0, logOffset: offset, state: &state))
            offset += 1
        }
    }

    var allBytes: [UInt8] {
        var out: [UInt8] = []
        for o in outputs {
            for r in o.audit { out += Array(("A " + r.key + " ").utf8) + r.value }
            for r in o.routing { out += Array(("R " + r.key + " ").utf8) + r.value }
        }
        return out
    }

    var routing: [[String: Any]] { outputs.flatMap { $0.routing.map { parse($0.value) } } }
    /// The audit records parsed, with a version 3 record's feature arrays and reason
    /// indices read by name (``named(_:names:)``), as a version 2 record has them.
    var audit: [[String: Any]] { outputs.flatMap { $0.audit.map { named(parse($0.value), names: featureNames) } } }
    /// Every lead decision named by the audit records: per record, the primary
    /// decision (when it has a lead) and then its `further_decisions` entries.
    var decisions: [[String: Any]] {
        audit.flatMap { a -> [[String: Any]] in
            (a["lead_id"] is String ? [a] : []) + (a["further_decisions"] as? [[String: Any]] ?? [])
        }
    }
}

func parse(_ bytes: [UInt8]) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
}

/// A parsed audit record of schema_version 3 with its features read by name, the
/// test's own reading of the contract: `features` as an object of every name,
/// `contributions` as an object of the nonzero ones, and each reason's feature
/// index (or rule) as a name. Other records are returned as they are.
func named(_ record: [String: Any], names: [String]) -> [String: Any] {
    guard record["schema_version"] as? Int == 3 else { return record }
    var out = record
    if let values = record["features"] as? [Any] {
        var features: [String: Any] = [:]
        for (j, v) in values.enumerated() where j < names.count { features[names[j]] = v }
        out["features"] = features
    }
    if let values = record["contributions"] as? [Double] {
        var contributions: [String: Double] = [:]
        for (j, c) in values.enumerated() where j < names.count && c != 0 { contributions[names[j]] = c }
        out["contributions"] = contributions
    }
    func reasons(_ decision: [String: Any]) -> [String: Any] {
        var d = decision
        d["reasons"] = (decision["reasons"] as? [[String: Any]] ?? []).map { r -> [String: Any] in
            var r = r
            if let rule = r["rule"] as? String {
                r["feature"] = rule
                r["kind"] = "gate"
                r["contribution"] = 0.0
            } else if let j = r["feature"] as? Int, j < names.count {
                r["feature"] = names[j]
                r.removeValue(forKey: "kind")
            }
            return r
        }
        return d
    }
    out = reasons(out)
    if let further = record["further_decisions"] as? [[String: Any]] { out["further_decisions"] = further.map(reasons) }
    return out
}

enum DecisionFixtures {
    /// A hand-made logistic-regression artifact over the default catalogue:
    /// intent and engagement raise the score, careers lowers it.
    static func modelArtifact(
        schema: FeatureSchema, intercept: Double = -3,
        weights: [String: Double] = [
            "intent_pricing": 1.2, "intent_demo": 1.5, "engagement_decayed": 0.25,
            "seniority_rank": 0.3, "intent_careers": -2, "account_engaged_contacts": 0.4,
            "open_opportunities": 0.5,
        ]
    ) -> Data {
        let coefs = schema.names.map { weights[$0] ?? 0 }
        let value: JSONValue = .object([
            "format": .string("leadledger.logistic-regression"), "format_version": .int(1),
            "features": .array(schema.names.map { .string($0) }),
            "standardization": .object([
                "means": .array(schema.names.map { _ in .number(0) }),
                "scales": .array(schema.names.map { _ in .number(1) }),
            ]),
            "coefficients": .array(coefs.map { .number($0) }),
            "intercept": .number(intercept),
            "training": .object([
                "examples": .int(0), "positives": .int(0), "range": .string("hand-made test model"),
                "c": .number(1), "iterations": .int(0), "converged": .bool(true), "objective": .number(0),
            ]),
            "holdout": .null, "calibration": .null,
        ])
        return try! StableJSON.encode(value)
    }

    static let scoringYAML = """
        half_life_days: 14
        engaged_window_days: 30
        competitor_domains: [rival.io]
        target_industries: [software]
        target_functions: [marketing, it]
        target_countries: [US, DE]
        model: {kind: logistic_regression, artifact: lr.json}
        top_k: 4
        gate:
          sales_ready: {enter: 70, exit: 55}
          sales_develop: {enter: 40, exit: 30}
          review: {min_employees: 5000, probability_low: 0.35, probability_high: 0.65}
          unsubscribe_policy: disqualify
        """

    static let routingYAML = """
        queues:
          sales_ready: {queue: ae-inbound, sla_hours: 4, escalate_to: ae-escalations}
          sales_develop: {queue: sdr-inbound}
          nurture: {queue: marketing-nurture}
          review: {queue: human-review}
          disqualified: {queue: disqualified}
        account_owner_first: true
        overflow_queue: unassigned
        territories:
          - name: us
            countries: [US]
            owners:
              - {id: rep_a, weight: 2, capacity: 3}
              - {id: rep_b, weight: 1, capacity: 3}
          - name: rest
            owners:
              - {id: rep_z, weight: 1}
        """

    static func configuration(
        scoring: String = scoringYAML, routing: String = routingYAML,
        weights: [String: Double]? = nil, intercept: Double = -3
    ) throws -> DecisionConfiguration {
        let sc = try ScoringConfiguration.load(yaml: Data(scoring.utf8), source: "scoring.yaml")
        let schema = try sc.featureSchema()
        let artifact =
            weights.map { modelArtifact(schema: schema, intercept: intercept, weights: $0) }
            ?? modelArtifact(schema: schema, intercept: intercept)
        return try DecisionConfiguration(
            scoringYAML: Data(scoring.utf8), scoringSource: "scoring.yaml", modelArtifact: artifact,
            modelSource: "lr.json", routingYAML: Data(routing.utf8), routingSource: "routing.yaml")
    }
}

// Inbound message builders.
func crmLead(_ record: String, at time: String, _ fields: String, type: String = "lead.created") -> String {
    #"{"event_id":"\#(record)-\#(type)-\#(time)","type":"\#(type)","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(record)","lead":{\#(fields)}}"#
}

func pageView(user: String, path: String, at time: String, id: String) -> String {
    #"{"type":"page","messageId":"\#(id)","userId":"\#(user)","timestamp":"\#(time)","context":{"page":{"url":"https://vendor.io\#(path)","path":"\#(path)"}}}"#
}

func identify(user: String, email: String, at time: String, id: String) -> String {
    #"{"type":"identify","messageId":"\#(id)","userId":"\#(user)","timestamp":"\#(time)","traits":{"email":"\#(email)"}}"#
}

func activity(_ record: String, email: String, kind: String, at time: String) -> String {
    #"{"event_id":"act-\#(record)-\#(time)","type":"activity.logged","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(record)","activity":{"kind":"\#(kind)","email":"\#(email)"}}"#
}

func accountUpsert(_ id: String, domain: String, owner: String? = nil, employees: Int? = nil, at time: String) -> String {
    let o = owner.map { #","owner_id":"\#($0)""# } ?? ""
    let e = employees.map { #","employees":\#($0)"# } ?? ""
    return
        #"{"event_id":"acc-\#(id)-\#(time)","type":"account.upserted","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(id)","account":{"account_id":"\#(id)","name":"\#(id)","domain":"\#(domain)"\#(o)\#(e)}}"#
}
