import Foundation
import LeadLedgerCore
import Yams

/// Routing rules (YAML), versioned by the SHA-256 of the file bytes.
///
/// ```yaml
/// queues:                      # one per tier, all five required
///   sales_ready:   {queue: ae-inbound, sla_hours: 4, escalate_to: ae-escalations}
///   sales_develop: {queue: sdr-inbound}
///   nurture:       {queue: marketing-nurture}
///   review:        {queue: human-review}
///   disqualified:  {queue: disqualified}
/// account_owner_first: true    # a lead whose account has an owner goes to that owner
/// overflow_queue: unassigned   # when every owner of the territory is at capacity
/// territories:                 # first match wins, in file order
///   - name: emea-enterprise
///     countries: [DE, FR, GB]  # optional; empty/absent = any
///     min_employees: 1000      # optional
///     max_employees: 100000    # optional
///     owners:
///       - {id: rep_anna, weight: 2, capacity: 50}
///       - {id: rep_ben,  weight: 1, capacity: 50}
/// holdout:                     # optional: measured lift (HoldoutPolicy)
///   fraction: 0.1
///   key: 2026-q4
///   baseline_tier: sales_develop
/// ```
///
/// Owners are assigned for `sales_ready` and `sales_develop` only; other tiers
/// get their queue and no owner.
package struct RoutingRules: Sendable, Equatable {
    package struct TierQueue: Sendable, Equatable {
        package var queue: String
        /// SLA in event-time milliseconds (only meaningful for sales_ready); nil = none.
        package var slaMs: Int64?
        package var escalateTo: String?
    }
    package struct Owner: Sendable, Equatable {
        package var id: String
        package var weight: Int
        package var capacity: Int
    }
    package struct Territory: Sendable, Equatable {
        package var name: String
        package var countries: [String]
        package var minEmployees: Double?
        package var maxEmployees: Double?
        package var owners: [Owner]

        /// Whether a lead with this country and size falls in the territory.
        package func matches(country: String?, employees: Double?) -> Bool {
            matches(uppercasedCountry: country?.uppercased(), employees: employees)
        }

        /// As ``matches(country:employees:)`` with the country already upper-cased
        /// (the decider upper-cases it once for all territories).
        func matches(uppercasedCountry: String?, employees: Double?) -> Bool {
            if !countries.isEmpty { guard let c = uppercasedCountry, countries.contains(c) else { return false } }
            if let minEmployees { guard let e = employees, e >= minEmployees else { return false } }
            if let maxEmployees { guard let e = employees, e <= maxEmployees else { return false } }
            return true
        }
    }

    /// Queue per tier, indexed by ``Tier``.
    package var queues: [TierQueue]
    package var accountOwnerFirst = true
    package var overflowQueue = "unassigned"
    package var territories: [Territory]
    /// The holdout experiment; nil routes every lead by the model (and records carry no `arm`).
    package var holdout: HoldoutPolicy?
    /// Content version (SHA-256 of the YAML bytes).
    package var version: ContentVersion

    /// The queue entry of a tier.
    package func queue(for tier: Tier) -> TierQueue { queues[Int(tier.code)] }

    /// Parses and validates the YAML; invalid rules fail with file/line/field.
    package static func load(yaml data: Data, source: String) throws -> RoutingRules {
        let r = YAMLReader(source: source)
        let root = try r.root(data)
        var queues = [TierQueue?](repeating: nil, count: Tier.allCases.count)
        var accountOwnerFirst = true
        var overflow = "unassigned"
        var territories: [Territory] = []
        var holdout: HoldoutPolicy?
        for (k, n) in try r.mapping(
            root, "", known: ["queues", "account_owner_first", "overflow_queue", "territories", "holdout"],
            required: ["queues", "territories"])
        {
            switch k {
            case "queues":
                for (tk, tn) in try r.mapping(n, "queues", known: Tier.allCases.map(\.name), required: Tier.allCases.map(\.name)) {
                    let path = "queues." + tk
                    var q = TierQueue(queue: "", slaMs: nil, escalateTo: nil)
                    for (qk, qn) in try r.mapping(tn, path, known: ["queue", "sla_hours", "escalate_to"], required: ["queue"]) {
                        switch qk {
                        case "queue": q.queue = try r.string(qn, path + ".queue")
                        case "sla_hours": q.slaMs = Int64((try r.number(qn, path + ".sla_hours", min: 0.001) * 3_600_000).rounded())
                        default: q.escalateTo = try r.string(qn, path + ".escalate_to")
                        }
                    }
                    if q.slaMs != nil, q.escalateTo == nil { throw r.fail(tn, path + ".escalate_to", "sla_hours needs escalate_to") }
                    if q.slaMs != nil, tk != Tier.salesReady.name {
                        throw r.fail(tn, path + ".sla_hours", "SLA timers apply to sales_ready only")
                    }
                    queues[Int(Tier(name: tk)!.code)] = q
                }
            case "account_owner_first": accountOwnerFirst = try r.bool(n, k)
            case "overflow_queue": overflow = try r.string(n, k)
            case "holdout": holdout = try holdoutPolicy(n, r)
            default:
                guard let seq = n.sequence, !seq.isEmpty else { throw r.fail(n, k, "expected a non-empty list of territories") }
                for (i, tn) in seq.enumerated() {
                    let path = "territories[\(i)]"
                    var t = Territory(name: "", countries: [], minEmployees: nil, maxEmployees: nil, owners: [])
                    for (tk, v) in try r.mapping(
                        tn, path, known: ["name", "countries", "min_employees", "max_employees", "owners"],
                        required: ["name", "owners"])
                    {
                        switch tk {
                        case "name": t.name = try r.string(v, path + ".name")
                        case "countries": t.countries = try r.strings(v, path + ".countries").map { $0.uppercased() }
                        case "min_employees": t.minEmployees = try r.number(v, path + ".min_employees", min: 0)
                        case "max_employees": t.maxEmployees = try r.number(v, path + ".max_employees", min: 0)
                        default:
                            guard let os = v.sequence, !os.isEmpty else {
                                throw r.fail(v, path + ".owners", "expected a non-empty list of owners")
                            }
                            for (j, on) in os.enumerated() {
                                let op = "\(path).owners[\(j)]"
                                var o = Owner(id: "", weight: 1, capacity: Int.max)
                                for (ok, ov) in try r.mapping(on, op, known: ["id", "weight", "capacity"], required: ["id"]) {
                                    switch ok {
                                    case "id": o.id = try r.string(ov, op + ".id")
                                    case "weight": o.weight = try r.integer(ov, op + ".weight", min: 1)
                                    default: o.capacity = try r.integer(ov, op + ".capacity", min: 0)
                                    }
                                }
                                if t.owners.contains(where: { $0.id == o.id }) {
                                    throw r.fail(on, op + ".id", "owner '\(o.id)' listed twice in territory '\(t.name)'")
                                }
                                t.owners.append(o)
                            }
                        }
                    }
                    if territories.contains(where: { $0.name == t.name }) {
                        throw r.fail(tn, path + ".name", "territory name '\(t.name)' used twice")
                    }
                    territories.append(t)
                }
            }
        }
        return RoutingRules(
            queues: queues.map { $0! }, accountOwnerFirst: accountOwnerFirst, overflowQueue: overflow,
            territories: territories, holdout: holdout, version: ContentVersion(of: data))
    }

    /// `holdout:` (``HoldoutPolicy``).
    private static func holdoutPolicy(_ n: Node, _ r: YAMLReader) throws -> HoldoutPolicy {
        var policy = HoldoutPolicy(fraction: 0, key: "", baselineTier: .salesDevelop)
        for (k, v) in try r.mapping(n, "holdout", known: ["fraction", "key", "baseline_tier"], required: ["fraction", "key"]) {
            switch k {
            case "fraction":
                policy.fraction = try r.number(v, "holdout.fraction", min: 0)
                guard policy.fraction > 0, policy.fraction <= 0.5 else {
                    throw r.fail(v, "holdout.fraction", "expected a share above 0 and at most 0.5")
                }
            case "key":
                policy.key = try r.string(v, "holdout.key")
            default:
                let name = try r.string(v, "holdout.baseline_tier")
                guard let tier = Tier(name: name) else {
                    throw r.fail(v, "holdout.baseline_tier", "expected one of \(Tier.allCases.map(\.name).joined(separator: ", "))")
                }
                policy.baselineTier = tier
            }
        }
        return policy
    }
}
