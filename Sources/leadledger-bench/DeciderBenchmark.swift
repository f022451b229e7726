import ArgumentParser
import Crypto
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions

/// Throughput of the FULL decision path, single thread: for every canonical log
/// event, `Decider.decide` reads the projections (LeadProfile, AccountProfile,
/// graph queries), computes the catalogue features, scores with the model
/// (`--model lr`: logistic regression, exact linear contributions; `--model
/// ensemble`: a points model + logistic regression + a 100-tree depth-6 GBT with
/// path attribution + an account signal, Platt-calibrated), applies the gate
/// (hysteresis, disqualifiers, review), routes (account owner, territory,
/// weighted round-robin with caps, SLA timers, overrides), explains (top-k,
/// graph paths for account signals) and encodes the audit and routing records.
///
/// The synthetic log (seeded) is built through the real InboundDecoder and
/// IdentityResolver first (not timed). Then the log is applied twice: once to
/// a Ledger alone, once to a Ledger + Decider; decision time = (second − first)
/// in thread CPU seconds, and decisions/s counts every lead decision (an event
/// that decides no lead counts as one); every log event yields one audit record.
struct DeciderBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decider",
        abstract: "Full decision path (features + ensemble + gate + routing + explanations + records), decisions/s single thread."
    )

    @Option(help: "Leads in the synthetic log.") var leads: Int = 50_000
    @Option(help: "Accounts (leads share their email domain).") var accounts: Int = 10_000
    @Option(help: "Engagement messages (page views, email opens/clicks, CRM activities).") var engagements: Int = 400_000
    @Option(help: "Measured runs (best and median reported).") var runs: Int = 3
    @Option(help: "Seed.") var seed: UInt64 = 20_261_125
    @Option(
        help:
            "Print the audit record of the first log event at or after this offset that decided more than one lead (from the untimed digest run; -1: none)."
    ) var showAudit: Int = -1
    @Option(help: "Print the SHA-256 of every emitted record (key + value, audit then routing, in order) from one extra untimed run.")
    var digest: Bool = true
    @Option(help: "Decide the log once more, untimed, with audit schema_version 2 and print its record sizes beside version 3's.")
    var auditBaseline: Bool = true
    @Option(
        help: "Scoring model: lr (logistic regression) or ensemble (rules + logistic regression + GBT + account signal, Platt-calibrated).")
    var model: ModelChoice = .lr
    @Option(help: "Trees of the ensemble's GBT.") var trees: Int = 100
    @Option(help: "Depth of the ensemble's GBT.") var depth: Int = 6

    enum ModelChoice: String, ExpressibleByArgument { case lr, ensemble }

    /// The ensemble's points model (catalogue features).
    static let rules = """
        name: bench-fit
        groups:
          - name: seniority
            cap: 25
            rules:
              - {feature: seniority_rank, op: ">=", value: 3, points: 15}
              - {feature: seniority_rank, op: ">=", value: 5, points: 10}
          - name: firmographics
            floor: -20
            rules:
              - {feature: industry_target, op: "==", value: 1, points: 8}
              - {feature: employees_log10, between: [2, 4], points: 10}
              - {feature: free_mail, op: "==", value: 1, points: -15}
              - {feature: competitor, op: "==", value: 1, points: -40}
          - name: intent
            cap: 40
            decay: {half_life_days: 14, age_feature: days_since_engaged}
            rules:
              - {feature: intent_pricing, op: ">", value: 0, points: 15}
              - {feature: intent_demo, op: ">", value: 0, points: 25}
              - {feature: page_views_decayed, op: ">=", value: 3, points: 10}
              - {feature: intent_careers, op: ">", value: 0, points: -10}
        """

    static let scoring = """
        half_life_days: 14
        engaged_window_days: 30
        competitor_domains: [rival0.example]
        target_industries: [software]
        target_functions: [marketing, it, engineering]
        target_countries: [US, DE, GB]
        model: {kind: logistic_regression, artifact: lr.json}
        top_k: 5
        gate:
          sales_ready: {enter: 70, exit: 60}
          sales_develop: {enter: 40, exit: 30}
        """

    static let routing = """
        queues:
          sales_ready: {queue: ae-inbound, sla_hours: 4, escalate_to: ae-escalations}
          sales_develop: {queue: sdr-inbound}
          nurture: {queue: marketing-nurture}
          review: {queue: human-review}
          disqualified: {queue: disqualified}
        territories:
          - name: na
            countries: [US, CA]
            owners: [{id: rep_na1, weight: 3, capacity: 5000}, {id: rep_na2, weight: 2, capacity: 5000}, {id: rep_na3, weight: 1, capacity: 2000}]
          - name: emea
            countries: [DE, GB, FR]
            owners: [{id: rep_eu1, weight: 1, capacity: 4000}, {id: rep_eu2, weight: 1, capacity: 4000}]
          - name: rest
            owners: [{id: rep_row, weight: 1}]
        """

    func run() throws {
        var rng = SplitMix64(seed: seed)
        let scoringConfig = try ScoringConfiguration.load(yaml: Data(Self.scoring.utf8), source: "bench-scoring.yaml")
        let schema = try scoringConfig.featureSchema()
        // A logistic regression trained in process on synthetic rows of the catalogue.
        var rows: [Double] = []
        var labels: [Double] = []
        for _ in 0..<4000 {
            var r = [Double](repeating: 0, count: schema.count)
            for j in 0..<r.count { r[j] = rng.unit() < 0.3 ? Double(rng.below(5)) : 0 }
            let z = -2 + 0.8 * r[16] + 0.9 * r[17] + 0.3 * r[10] + 0.4 * r[0] - 1.5 * r[20] + 0.3 * r[27] + (rng.unit() - 0.5)
            rows += r
            labels.append(rng.unit() < 1 / (1 + exp(-z)) ? 1 : 0)
        }
        let data = try Dataset(schema: schema, rows: rows, labels: labels)
        let lr = try LogisticRegression.train(data, range: "bench synthetic")
        let config: DecisionConfiguration
        switch model {
        case .lr:
            config = try DecisionConfiguration(
                scoringYAML: Data(Self.scoring.utf8), scoringSource: "bench-scoring.yaml",
                modelArtifact: try lr.artifactData(), modelSource: "lr.json",
                routingYAML: Data(Self.routing.utf8), routingSource: "bench-routing.yaml")
        case .ensemble:
            let ruleModel = try RuleModel.load(yaml: Data(Self.rules.utf8), source: "bench-fit.yaml", schema: schema)
            var treeRNG = SplitMix64(seed: seed &+ 1)  // its own stream: the synthetic log is the same for both models
            let treeJSON = try SyntheticXGBoost.model(trees: trees, depth: depth, schema: schema, sample: data, rng: &treeRNG)
            let forest = try TreeEnsemble.loadXGBoost(json: treeJSON, source: "gbt.json", schema: schema)
            let ensemble = try Ensemble(
                schema: schema,
                components: [
                    EnsembleComponent(name: "fit", model: .rules(ruleModel), weight: 0.03, modelVersion: ruleModel.version.sha256),
                    EnsembleComponent(name: "propensity", model: .logistic(lr), weight: 0.6, modelVersion: try lr.version().sha256),
                    EnsembleComponent(name: "behaviour", model: .trees(forest), weight: 0.5, modelVersion: forest.version.sha256),
                    EnsembleComponent(
                        name: "account", model: .feature("account_engaged_contacts"), weight: 0.1, modelVersion: "account_engaged_contacts"),
                ], bias: -0.5, topK: 5, treeExplanation: .pathAttribution
            ).calibrated(method: .platt, on: data)
            let scoring = Self.scoring.replacingOccurrences(
                of: "model: {kind: logistic_regression, artifact: lr.json}",
                with: """
                    model:
                      kind: ensemble
                      artifact: ensemble.json
                      components:
                        fit: {kind: rules, artifact: bench-fit.yaml}
                        propensity: {kind: logistic_regression, artifact: lr.json}
                        behaviour: {kind: xgboost, artifact: gbt.json}
                        account: {kind: feature, feature: account_engaged_contacts}
                    """)
            config = try DecisionConfiguration(
                scoringYAML: Data(scoring.utf8), scoringSource: "bench-scoring.yaml",
                modelArtifact: try ensemble.artifactData(), modelSource: "ensemble.json",
                routingYAML: Data(Self.routing.utf8), routingSource: "bench-routing.yaml",
                componentArtifacts: [
                    "fit": (Data(Self.rules.utf8), "bench-fit.yaml"),
                    "propensity": (try lr.artifactData(), "lr.json"),
                    "behaviour": (treeJSON, "gbt.json"),
                ])
            print(
                "model: ensemble of \(config.ensemble.components.map { "\($0.name) (weight \($0.weight))" }.joined(separator: ", ")); "
                    + "\(forest.treeCount) trees of depth \(forest.maxDepth), path attribution, Platt calibration")
        }
        let decider = Decider(config)
        // Synthetic inbound → canonical log.
        let log = try Self.syntheticLog(leads: leads, accounts: accounts, engagements: engagements, rng: &rng)
        print(
            "log: \(log.count) canonical events from \(leads) leads, \(accounts) accounts, \(engagements) engagement messages; \(schema.count) features"
        )

        var ledgerOnly: [Double] = []
        var full: [Double] = []
        var decisions = 0
        var audits = 0
        var routes = 0
        var bytes = 0
        var auditBytes = 0
        var auditSizes: [Int] = []
        for _ in 0..<runs {
            var ledger = Ledger()
            var effects: [ProjectionEffect] = []
            let t0 = DecisionsBenchmark.threadCPUSeconds()
            for e in log {
                effects.removeAll(keepingCapacity: true)
                ledger.apply(e, effects: &effects)
            }
            ledgerOnly.append(DecisionsBenchmark.threadCPUSeconds() - t0)

            ledger = Ledger()
            var state = DecisionState()
            decisions = 0
            audits = 0
            routes = 0
            bytes = 0
            auditBytes = 0
            auditSizes.removeAll(keepingCapacity: true)
            let t1 = DecisionsBenchmark.threadCPUSeconds()
            for (i, e) in log.enumerated() {
                effects.removeAll(keepingCapacity: true)
                ledger.apply(e, effects: &effects)
                let out = decider.decide(event: e, effects: effects, ledger: ledger, logPartition: 0, logOffset: Int64(i), state: &state)
                // A lead-less event counts as one decision, as when each decision had its own audit record.
                decisions += max(out.decisions, 1)
                audits += out.audit.count
                routes += out.routing.count
                for r in out.audit {
                    auditBytes += r.value.count
                    auditSizes.append(r.value.count)
                }
                for r in out.routing { bytes += r.value.count }
            }
            full.append(DecisionsBenchmark.threadCPUSeconds() - t1)
            bytes += auditBytes
        }
        if digest {
            // SHA-256 over the per-record SHA-256s (key bytes, 0x00, value bytes) in emission order; untimed.
            var ledger = Ledger()
            var effects: [ProjectionEffect] = []
            var state = DecisionState()
            var chain: [UInt8] = []
            var count = 0
            // Contributions written (nonzero) vs features, over the first 2,000 audit records with a lead.
            var sampled = 0
            var contributionEntries = 0
            var featureEntries = 0
            var shown = showAudit < 0
            for (i, e) in log.enumerated() {
                effects.removeAll(keepingCapacity: true)
                ledger.apply(e, effects: &effects)
                let out = decider.decide(event: e, effects: effects, ledger: ledger, logPartition: 0, logOffset: Int64(i), state: &state)
                if sampled < 2000 || !shown, let a = out.audit.first,
                    let record = try? AuditRecordView(a.value), record.decision != nil
                {
                    if sampled < 2000 {
                        sampled += 1
                        contributionEntries += record.contributions.count
                        featureEntries += record.features.count
                    }
                    if !shown, i >= showAudit, out.decisions > 1 {
                        shown = true
                        print(
                            "audit record of log offset \(i) (\(a.value.count) bytes, \(out.decisions) decisions, \(out.routing.count) routing records):"
                        )
                        print(String(decoding: a.value, as: UTF8.self), terminator: "")
                    }
                }
                for r in out.audit + out.routing {
                    var buf = Array(r.key.utf8)
                    buf.append(0)
                    buf += r.value
                    chain += SHA256.hash(data: buf)
                    count += 1
                }
                chain.append(0x0A)
            }
            // Printed as the SHA-256 of the chain's SHA-256, the form of the digests in docs/decisions.md.
            print("output digest: sha256 \(ContentVersion(of: SHA256.hash(data: chain)).sha256) over \(count) records")
            print(
                String(
                    format: "contributions: %.1f nonzero entries written of %.1f features per audit record (first %d with a lead)",
                    Double(contributionEntries) / Double(max(sampled, 1)), Double(featureEntries) / Double(max(sampled, 1)), sampled))
        }
        let deciderTimes = zip(full, ledgerOnly).map { max($0 - $1, 1e-9) }.sorted()
        let best = deciderTimes.first!
        let median = deciderTimes[deciderTimes.count / 2]
        print(
            "per run: \(decisions) lead decisions; \(audits) audit records (one per log event), \(routes) routing records; \(bytes) bytes, \(bytes / max(audits + routes, 1)) bytes/record on average"
        )
        print(
            "audit: \(auditBytes) bytes in all, "
                + String(
                    format: "%.0f bytes per log event, %.0f bytes per audit record",
                    Double(auditBytes) / Double(max(log.count, 1)), Double(auditBytes) / Double(max(audits, 1))))
        print(Self.auditSizeLine(auditSizes, baseline: auditBaseline ? Self.auditSizes(log, configuration: config, schema: .v2) : nil))
        print(String(format: "ledger apply alone: %.3f s CPU (best); ledger + decider: %.3f s CPU (best)", ledgerOnly.min()!, full.min()!))
        print(
            String(
                format: "decider: %.0f decisions/s per CPU-second (best run), %.0f (median); %.2f µs/decision",
                Double(decisions) / best, Double(decisions) / median, best / Double(decisions) * 1e6))
        print(String(format: "end to end (ledger + decider): %.0f log events/s per CPU-second (best)", Double(log.count) / full.min()!))
    }

    /// The size of every audit record `configuration` writes for `log` in `schema` (untimed).
    static func auditSizes(_ log: [CanonicalEvent], configuration: DecisionConfiguration, schema: AuditSchema) -> [Int] {
        var configuration = configuration
        configuration.auditSchema = schema
        let decider = Decider(configuration)
        var ledger = Ledger()
        var state = DecisionState()
        var effects: [ProjectionEffect] = []
        var sizes: [Int] = []
        for (i, e) in log.enumerated() {
            effects.removeAll(keepingCapacity: true)
            ledger.apply(e, effects: &effects)
            let out = decider.decide(event: e, effects: effects, ledger: ledger, logPartition: 0, logOffset: Int64(i), state: &state)
            for r in out.audit { sizes.append(r.value.count) }
        }
        return sizes
    }

    /// `audit record size: median …, p90 …` of the configured schema, beside the schema_version 2 baseline when it was measured.
    static func auditSizeLine(_ sizes: [Int], baseline: [Int]?) -> String {
        func figures(_ sizes: [Int]) -> String {
            let sorted = sizes.sorted()
            guard !sorted.isEmpty else { return "no records" }
            return "median \(sorted[sorted.count / 2]) B, p90 \(sorted[sorted.count * 9 / 10]) B, max \(sorted.last!) B"
        }
        let line = "audit record size: \(figures(sizes)) (schema_version 3)"
        return baseline.map { line + "; baseline schema_version 2: \(figures($0))" } ?? line
    }

    static func syntheticLog(leads: Int, accounts: Int, engagements: Int, rng: inout SplitMix64) throws -> [CanonicalEvent] {
        let decoder = InboundDecoder()
        var resolver = IdentityResolver()
        var log: [CanonicalEvent] = []
        var offset: Int64 = 0
        let base = EventTime.parseRFC3339("2025-01-01T00:00:00Z")!.milliseconds
        var now = base
        func feed(_ topic: InboundTopic, _ json: String) throws {
            let name = topic == .crm ? "crm.events" : topic == .web ? "web.events" : "email.events"
            log += resolver.resolve(
                try decoder.decode(topic: topic, bytes: Array(json.utf8)), at: SourcePosition(topic: name, partition: 0, offset: offset))
            offset += 1
        }
        let countries = ["US", "US", "DE", "GB", "FR", "CA", "IN", "BR"]
        let industries = ["software", "finance", "retail", "software", "health"]
        let titles = ["VP Marketing", "CTO", "Software Engineer", "Marketing Manager", "Director of IT", "Student", "Sales Rep", "CEO"]
        for a in 0..<accounts {
            let owner = rng.unit() < 0.3 ? #","owner_id":"owner_\#(a % 200)""# : ""
            let parent = a >= 100 && rng.unit() < 0.1 ? #","parent_domain":"co\#(rng.below(100)).example""# : ""
            try feed(
                .crm,
                #"{"event_id":"acc\#(a)","type":"account.upserted","occurred_at":"\#(EventTime(milliseconds: now).rfc3339)","source":"salesforce","record_id":"A\#(a)","account":{"account_id":"A\#(a)","name":"Co \#(a)","domain":"co\#(a).example","industry":"\#(industries[a % industries.count])","employees":\#(10 + rng.below(20000)),"country":"\#(countries[a % countries.count])"\#(owner)\#(parent)}}"#
            )
        }
        for l in 0..<leads {
            now += 1000
            let a = rng.below(accounts)
            try feed(
                .crm,
                #"{"event_id":"l\#(l)","type":"lead.created","occurred_at":"\#(EventTime(milliseconds: now).rfc3339)","source":"salesforce","record_id":"L\#(l)","lead":{"email":"p\#(l)@co\#(a).example","title":"\#(titles[l % titles.count])","country":"\#(countries[(l / 3) % countries.count])"}}"#
            )
            try feed(
                .web,
                #"{"type":"identify","messageId":"i\#(l)","userId":"u\#(l)","timestamp":"\#(EventTime(milliseconds: now).rfc3339)","traits":{"email":"p\#(l)@co\#(a).example"}}"#
            )
        }
        let paths = ["/pricing", "/demo", "/docs/api", "/customers/acme", "/careers", "/blog/x", "/product"]
        for k in 0..<engagements {
            now += 2000
            let l = rng.below(leads)
            let t = EventTime(milliseconds: now)
            switch rng.below(10) {
            case 0..<6:
                try feed(
                    .web,
                    #"{"type":"page","messageId":"e\#(k)","userId":"u\#(l)","timestamp":"\#(t.rfc3339)","context":{"page":{"url":"https://vendor.example\#(paths[rng.below(paths.count)])"}}}"#
                )
            case 6..<9:
                try feed(
                    .email,
                    #"{"email":"p\#(l)@co\#(l % accounts).example","timestamp":\#(now / 1000),"event":"\#(rng.below(2) == 0 ? "open" : "click")","url":"https://vendor.example/pricing","sg_event_id":"s\#(k)"}"#
                )
            default:
                try feed(
                    .crm,
                    #"{"event_id":"c\#(k)","type":"activity.logged","occurred_at":"\#(t.rfc3339)","source":"salesforce","record_id":"L\#(l)","activity":{"kind":"call","email":"p\#(l)@co0.example"}}"#
                )
            }
        }
        return log
    }
}
