import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// A CRM outcome message (`lead.converted` / `lead.disqualified`) for a CRM record and email.
func outcome(_ record: String, email: String, converted: Bool, at time: String, id: String? = nil) -> String {
    let type = converted ? "lead.converted" : "lead.disqualified"
    let reason = converted ? "" : #","reason":"bad_fit""#
    let eventID = id ?? record + "-" + type + "-" + time
    return
        #"{"event_id":"\#(eventID)","type":"\#(type)","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(record)","email":"\#(email)"\#(reason)}"#
}

/// RFC 3339 for `minutes` after 2024-04-01T00:00:00Z.
func at(_ minutes: Int) -> String { EventTime(milliseconds: 1_711_929_600_000 + Int64(minutes) * 60_000).rfc3339 }

/// The examples of a whole log (partition 0, offsets in order).
func build(_ log: [CanonicalEvent], _ extractor: FeatureExtractor, partition: Int32 = 0) -> OutcomeExampleBuilder {
    var b = OutcomeExampleBuilder(partition: partition, extractor: extractor)
    for (offset, e) in log.enumerated() { b.apply(e, offset: Int64(offset)) }
    return b
}

/// A log with signal: lead i views /pricing (i % 5) times and converts when that is ≥ 3, else is disqualified.
func signalLog(leads: Int) throws -> DecisionHarness {
    var h = DecisionHarness()
    var m = 0
    for i in 0..<leads {
        let email = "p\(i)@co\(i % 7).com"
        try h.feed(
            .crm, crmLead("R\(i)", at: at(m), #""email":"\#(email)","title":"\#(i % 2 == 0 ? "VP Marketing" : "Engineer")","country":"US""#)
        )
        m += 1
        try h.feed(.web, identify(user: "u\(i)", email: email, at: at(m), id: "id\(i)"))
        m += 1
        for v in 0..<(i % 5) {
            try h.feed(.web, pageView(user: "u\(i)", path: "/pricing", at: at(m), id: "pv\(i)-\(v)"))
            m += 1
        }
    }
    for i in 0..<leads {
        try h.feed(.crm, outcome("R\(i)", email: "p\(i)@co\(i % 7).com", converted: i % 5 >= 3, at: at(m)))
        m += 1
    }
    return h
}

@Suite("Training from the log's outcomes")
struct OutcomeTrainingTests {
    let config: DecisionConfiguration
    init() throws { config = try DecisionFixtures.configuration() }

    /// Ann: created, 3 pricing views, converted; then 5 more views and an activity after the outcome.
    func annScenario(after: Bool) throws -> DecisionHarness {
        var h = DecisionHarness()
        try h.feed(.crm, crmLead("L1", at: at(0), #""email":"ann@acme.io","title":"VP Marketing","country":"US""#))
        try h.feed(.web, identify(user: "u1", email: "ann@acme.io", at: at(1), id: "w1"))
        for i in 0..<3 { try h.feed(.web, pageView(user: "u1", path: "/pricing", at: at(2 + i), id: "p\(i)")) }
        try h.feed(.crm, outcome("L1", email: "ann@acme.io", converted: true, at: at(24 * 60)))
        if after {
            for i in 0..<5 { try h.feed(.web, pageView(user: "u1", path: "/demo", at: at(24 * 60 + 1 + i), id: "q\(i)")) }
            try h.feed(.crm, activity("L1", email: "ann@acme.io", kind: "meeting", at: at(24 * 60 + 10)))
        }
        return h
    }

    @Test("point in time: the row is the state just before the outcome; events after it change nothing")
    func pointInTime() throws {
        let shortLog = try annScenario(after: false).log
        let longLog = try annScenario(after: true).log
        let short = build(shortLog, config.extractor)
        let long = build(longLog, config.extractor)
        #expect(longLog.count > shortLog.count && short.examples.count == 1 && long.examples.count == 1)
        let e = try #require(long.examples.first)
        let s = try #require(short.examples.first)
        #expect(e.row.map(\.bitPattern) == s.row.map(\.bitPattern))  // NaN (no company size) included
        #expect(e.lead == s.lead && e.eventTime == s.eventTime && e.logOffset == s.logOffset)
        #expect(
            e.converted && e.source == .outcome(.converted) && e.logOffset == Int64(shortLog.count - 1)
                && e.eventTime.rfc3339 == at(24 * 60))
        // Three pricing views a day before the outcome, decayed with the 14-day half-life to the outcome's time.
        let names = config.extractor.schema.names
        let pricing = e.row[try #require(names.firstIndex(of: "intent_pricing"))]
        let expected = (2...4).map { exp2(-Double(24 * 60 - $0) / (14 * 24 * 60)) }.reduce(0, +)
        #expect(abs(pricing - expected) < 1e-9, "intent_pricing \(pricing), expected \(expected)")
        #expect(e.row[try #require(names.firstIndex(of: "intent_demo"))] == 0)
        #expect(e.row[try #require(names.firstIndex(of: "crm_activities_decayed"))] == 0)
    }

    @Test("every example's row is the feature vector the Decider records for the outcome event")
    func sameRowAsTheDecider() throws {
        var h = try mixedScenario()
        // Outcomes for some of the scenario's leads (one after a merge, one for a lead with an account).
        try h.feed(.crm, outcome("L1", email: "ann@acme.io", converted: true, at: "2024-04-04T09:00:00Z"))
        try h.feed(.crm, outcome("L2", email: "bob@initech.com", converted: false, at: "2024-04-04T10:00:00Z"))
        try h.feed(.crm, outcome("L3", email: "cy@globex.de", converted: true, at: "2024-04-05T10:00:00Z"))
        let b = build(h.log, config.extractor)
        #expect(b.examples.count == 3)
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        let names = config.extractor.schema.names
        for e in b.examples {
            let audit = named(parse(try #require(r.outputs[Int(e.logOffset)].audit.first).value), names: names)
            #expect(audit["lead_id"] as? String == e.lead.description)
            let features = try #require(audit["features"] as? [String: Any])
            for (j, name) in names.enumerated() {
                let recorded = (features[name] as? NSNumber)?.doubleValue ?? .nan
                #expect(
                    e.row[j].isNaN ? recorded.isNaN : abs(recorded - e.row[j]) <= 5e-7,
                    "\(e.lead) \(name): example \(e.row[j]), audit \(recorded)")
            }
        }
    }

    @Test("labels: converted 1, disqualified 0; the first outcome per lead counts, later ones and repeats are ignored")
    func labels() throws {
        var h = try annScenario(after: false)
        try h.feed(.crm, crmLead("L2", at: at(10), #""email":"bob@initech.com""#))
        try h.feed(.crm, outcome("L2", email: "bob@initech.com", converted: false, at: at(30 * 60)))
        try h.feed(.crm, outcome("L2", email: "bob@initech.com", converted: true, at: at(40 * 60)))
        try h.feed(.crm, outcome("L9", email: "nobody@else.io", converted: true, at: at(41 * 60)))
        var log = h.log
        log.append(log[log.count - 2])  // the resolve stage repeating an event after a crash
        let b = build(log, config.extractor)
        // Nobody's outcome is an example too: the resolver linked the new email (a lead known by nothing else).
        #expect(b.examples.map(\.converted) == [true, false, true])
        #expect(b.examples.map(\.source) == [.outcome(.converted), .outcome(.disqualified), .outcome(.converted)])
        #expect(
            b.examples.map(\.lead)
                == [h.lead(email: "ann@acme.io"), h.lead(email: "bob@initech.com"), h.lead(email: "nobody@else.io")].compactMap { $0 })
        #expect(
            b.statistics
                == .init(events: log.count, repeats: 1, outcomes: 4, laterOutcomes: 1, outcomesOfUnknownLeads: 0, erasedExamples: 0))
        // An outcome with no earlier event of its lead in the partition (its identity event went elsewhere): no example.
        let alone = build([log[log.count - 2]], config.extractor)
        #expect(alone.examples.isEmpty && alone.statistics.outcomesOfUnknownLeads == 1 && alone.statistics.outcomes == 1)
    }

    @Test("merged leads follow their survivor: outcome, activity and the first-outcome rule")
    func mergedLeads() throws {
        var h = DecisionHarness()
        try h.feed(.crm, crmLead("L1", at: at(0), #""email":"ann@acme.io""#))
        try h.feed(.web, identify(user: "u1", email: "ann@acme.io", at: at(1), id: "w1"))
        try h.feed(.web, pageView(user: "u1", path: "/pricing", at: at(2), id: "p1"))
        try h.feed(.crm, crmLead("L4", at: at(3), #""email":"dee@acme.io""#))
        try h.feed(.web, identify(user: "u4", email: "dee@acme.io", at: at(4), id: "w4"))
        try h.feed(.web, pageView(user: "u4", path: "/pricing", at: at(5), id: "p4"))
        let deeID = h.lead(email: "dee@acme.io")
        let annID = h.lead(email: "ann@acme.io")
        let dee = try #require(deeID)
        let ann = try #require(annID)
        try h.feed(.crm, crmLead("L4", at: at(6), #""email":"ann@acme.io""#, type: "lead.updated"))  // L4 is Ann: merged
        try h.feed(.crm, outcome("L4", email: "dee@acme.io", converted: true, at: at(60)))
        try h.feed(.crm, outcome("L1", email: "ann@acme.io", converted: false, at: at(120)))
        let b = build(h.log, config.extractor)
        let survivor = try #require(b.projections.survivor(of: dee))
        #expect(b.projections.survivor(of: ann) == survivor)
        #expect(b.examples.count == 1)
        let e = try #require(b.examples.first)
        #expect(e.lead == survivor && e.converted)
        #expect(b.statistics.laterOutcomes == 1)
        // Both leads' pricing views are in the survivor's row (merged activity).
        let pricing = e.row[try #require(config.extractor.schema.names.firstIndex(of: "intent_pricing"))]
        #expect(pricing > 1.99 && pricing < 2)
    }

    @Test("an erased lead's example is dropped; no-outcome negatives only with negativeAfterDays")
    func erasureAndNoOutcomeNegatives() throws {
        var h = try annScenario(after: false)
        try h.feed(.crm, crmLead("L5", at: at(20), #""email":"eve@rival.io""#))
        try h.feed(.crm, outcome("L5", email: "eve@rival.io", converted: false, at: at(30)))
        try h.feed(
            .crm,
            #"{"event_id":"er1","type":"privacy.erasure","occurred_at":"\#(at(40))","source":"salesforce","record_id":"L5","email":"eve@rival.io"}"#
        )
        try h.feed(.crm, crmLead("L6", at: at(50), #""email":"idle@initech.com""#))  // idle ~9 days before the log's end
        try h.feed(.crm, crmLead("L7", at: at(10 * 24 * 60), #""email":"fresh@initech.com""#))  // the log's last event
        var b = build(h.log, config.extractor)
        #expect(b.examples.map(\.lead) == [h.lead(email: "ann@acme.io")].compactMap { $0 })
        #expect(b.statistics.erasedExamples == 1)
        let end = EventTime(milliseconds: b.lastEventTime)
        let negatives = b.noOutcomeExamples(at: end, idleDays: 7)
        #expect(negatives.map(\.lead) == [h.lead(email: "idle@initech.com")].compactMap { $0 })
        #expect(negatives.allSatisfy { !$0.converted && $0.source == .noOutcome && $0.eventTime == end })
        #expect(b.noOutcomeExamples(at: end, idleDays: 10).isEmpty)
    }

    @Test("the split is seeded and stratified: 70 % of each class trains, the same seed gives the same split")
    func split() throws {
        let labels = (0..<100).map { $0 % 4 == 0 }  // 25 positives, 75 negatives
        let a = HoldoutSplit.trainMask(labels: labels, seed: 7)
        let b = HoldoutSplit.trainMask(labels: labels, seed: 7)
        let c = HoldoutSplit.trainMask(labels: labels, seed: 8)
        #expect(a == b && a != c)
        for mask in [a, c] {
            #expect(zip(labels, mask).filter { $0.0 && $0.1 }.count == 18)  // round(0.7 · 25)
            #expect(zip(labels, mask).filter { !$0.0 && $0.1 }.count == 53)  // round(0.7 · 75)
        }
        let h = try signalLog(leads: 40)
        let set = try OutcomeTraining.trainingSet(
            [build(h.log, config.extractor)], topic: "log", schema: config.extractor.schema,
            options: .init(seed: 3))
        #expect(set.examples.count == 40 && set.positives == 16)
        #expect(set.train.count == 28 && set.train.labels.filter { $0 == 1 }.count == 11)  // round(0.7 · 16), round(0.7 · 24)
        #expect(set.holdout.count == 12 && set.holdout.labels.filter { $0 == 1 }.count == 5)
        #expect(set.isTrain == HoldoutSplit.trainMask(labels: set.examples.map(\.converted), seed: 3))
        #expect(set.range == "log partitions 0@0..<\(h.log.count); first outcome per lead; stratified 70/30 seed 3, training rows")
    }

    @Test("too few examples of a class: refused with insufficient_data")
    func tooFewExamples() throws {
        let h = try signalLog(leads: 20)  // 8 converted, 12 disqualified
        let b = build(h.log, config.extractor)
        let error = try #require(throws: DecisionsError.self) {
            try OutcomeTraining.trainingSet([b], topic: "events", schema: config.extractor.schema)
        }
        #expect(error.code == .insufficientData)
        #expect(error.message.contains("8 converted and 12 not converted"))
        #expect(
            try OutcomeTraining.trainingSet([b], topic: "events", schema: config.extractor.schema, options: .init(minimumPerClass: 8))
                .examples.count == 20)
    }

    @Test("fit, stack with a points model, and write a directory the Decider loads (model_version = content hash)")
    func fitAndWrite() throws {
        let h = try signalLog(leads: 60)
        let scoring = config.scoring
        // Two partitions: the builders' order does not matter.
        let half = h.log.count / 2
        var p1 = OutcomeExampleBuilder(partition: 1, extractor: config.extractor)
        for (i, e) in h.log[half...].enumerated() { p1.apply(e, offset: Int64(i)) }
        let p0 = build(Array(h.log[..<half]), config.extractor)
        let set = try OutcomeTraining.trainingSet([p1, p0], topic: "events", schema: config.extractor.schema)
        #expect(set.range.hasPrefix("events partitions 0@0..<\(half),1@0..<\(h.log.count - half);"))
        let fit = try OutcomeTraining.fit(set)
        #expect(fit.figures.auc > 0.9, "AUC \(fit.figures.auc) on a log where pricing views decide the outcome")
        #expect(fit.model.training.range == set.range)
        let rules = Data(
            "name: pricing\ngroups:\n  - name: intent\n    rules:\n      - {feature: intent_pricing, op: \">=\", value: 2, points: 20}\n"
                .utf8)
        let e = try OutcomeTraining.ensemble(set, fit: fit, rulesYAML: rules, rulesSource: "rules.yaml", scoring: scoring)
        #expect(e.ensemble.components.map(\.name) == ["fit", "propensity"])
        let bad = try #require(throws: DecisionsError.self) {
            try OutcomeTraining.ensemble(
                set, fit: fit,
                rulesYAML: Data(
                    "name: x\ngroups:\n  - name: g\n    rules:\n      - {feature: no_such, op: \">\", value: 0, points: 1}\n".utf8),
                rulesSource: "bad.yaml", scoring: scoring)
        }
        #expect(bad.code == .invalidConfig && bad.file == "bad.yaml")

        // The written scoring configuration reads back as the input one, with the new model section.
        let lrYAML = scoring.yaml(model: .logisticRegression(artifact: "lr.json"))
        var reread = try ScoringConfiguration.load(yaml: Data(lrYAML.utf8), source: "scoring.yaml")
        #expect(reread.gate == scoring.gate && reread.gate != GateConfiguration())
        reread.modelArtifact = scoring.modelArtifact
        #expect(reread == scoring)
        let lr = try fit.model.artifactData()
        let loaded = try DecisionConfiguration(
            scoringYAML: Data(lrYAML.utf8), scoringSource: "scoring.yaml", modelArtifact: lr, modelSource: "lr.json",
            routingYAML: Data(DecisionFixtures.routingYAML.utf8), routingSource: "routing.yaml")
        #expect(loaded.modelVersion == String(ContentVersion(of: Data(lrYAML.utf8) + [0] + lr).sha256.prefix(16)))
        let ensYAML = scoring.yaml(model: .stackedEnsemble(artifact: "ensemble.json", rules: "fit-rules.yaml", logistic: "lr.json"))
        let ensemble = try e.ensemble.artifactData()
        let loadedEnsemble = try DecisionConfiguration(
            scoringYAML: Data(ensYAML.utf8), scoringSource: "scoring.yaml", modelArtifact: ensemble, modelSource: "ensemble.json",
            routingYAML: Data(DecisionFixtures.routingYAML.utf8), routingSource: "routing.yaml",
            componentArtifacts: ["fit": (rules, "fit-rules.yaml"), "propensity": (lr, "lr.json")])
        #expect(
            loadedEnsemble.modelVersion
                == String(ContentVersion(of: Data(ensYAML.utf8) + [0] + ensemble + [0] + rules + [0] + lr).sha256.prefix(16)))
        let d = set.holdout.schema.count
        set.holdout.rows.withUnsafeBufferPointer { buf in
            for i in 0..<set.holdout.count {
                let x = UnsafeBufferPointer(rebasing: buf[(i * d)..<(i * d + d)])
                #expect(loadedEnsemble.ensemble.probability(x) == e.ensemble.probability(x))
            }
        }
    }
}
