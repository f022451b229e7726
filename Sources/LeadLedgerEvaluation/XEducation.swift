import Foundation
import LeadLedgerCore
import LeadLedgerDecisions

/// The X Education lead data set (`Leads.csv`, see shared/data/xeducation/README.md)
/// mapped onto LeadLedger's inbound contracts, and an end-to-end evaluation:
/// CSV row → inbound JSON (CRM, Segment, SendGrid) → InboundDecoder →
/// IdentityResolver → Ledger → FeatureExtractor → logistic regression.
///
/// Leakage columns are never read: `Tags`, `Lead Quality`, `Lead Profile`,
/// `Last Notable Activity`, the four `Asymmetrique *` columns.
package enum XEducation {
    /// One CSV row as inbound messages plus its label.
    package struct Row: Sendable {
        package var prospectID: String
        package var email: String
        /// Inbound messages in the order they are fed: (topic, JSON).
        package var messages: [(InboundTopic, String)]
        /// The `lead.converted` outcome message (fed after the features are taken), if converted.
        package var outcome: String?
        package var converted: Bool
        /// Event time of the row's events (features are taken at this time).
        package var time: EventTime
    }

    /// Column → contract mapping (documented in docs/decisions.md):
    /// - CRM `lead.created`: email `lead<Lead Number>@gmail.com` (free mail, no account),
    ///   `lead_source` = "<Lead Origin> / <Lead Source>", `title` = current occupation,
    ///   `industry` = Specialization, `country` = Country, `state` = City ("Select"/empty left out);
    /// - Segment `identify` (userId = Prospect ID) then `page` views: round(TotalVisits × Page Views Per Visit), at most 25;
    /// - Segment `track` "Time On Site": one per started 2 minutes of Total Time Spent on Website, at most 20;
    /// - Last Activity: Email Opened/Link Clicked/View in browser → SendGrid open/click; Email Bounced → bounce;
    ///   Unsubscribed → unsubscribe; Email Marked Spam → spamreport; Resubscribed → group_resubscribe;
    ///   Page Visited → page; Form Submitted on Website → track "Form Submitted"; Olark Chat Conversation →
    ///   track with category contact; Converted to Lead → track; Had a Phone Conversation / Approached upfront → CRM
    ///   activity call; SMS Sent / Unreachable → CRM activity note; Email Received → email_reply; Visited Booth → meeting;
    /// - Do Not Email = Yes → SendGrid unsubscribe;
    /// - Converted = 1 → CRM `lead.converted`.
    package static func rows(csv data: Data) throws -> [Row] {
        let table = try CSV.parse(data)
        guard let header = table.first else { throw DecisionsError(.invalidInput, "empty CSV") }
        func col(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw DecisionsError(.invalidInput, "CSV lacks column '\(name)'", field: name)
            }
            return i
        }
        let cID = try col("Prospect ID")
        let cNum = try col("Lead Number")
        let cOrigin = try col("Lead Origin")
        let cSource = try col("Lead Source")
        let cDNE = try col("Do Not Email")
        let cConv = try col("Converted")
        let cVisits = try col("TotalVisits")
        let cTime = try col("Total Time Spent on Website")
        let cPPV = try col("Page Views Per Visit")
        let cLast = try col("Last Activity")
        let cCountry = try col("Country")
        let cSpec = try col("Specialization")
        let cOcc = try col("What is your current occupation")
        let cCity = try col("City")
        let base = EventTime.parseRFC3339("2024-01-01T00:00:00Z")!.milliseconds
        var out: [Row] = []
        out.reserveCapacity(table.count)
        for (n, r) in table.dropFirst().enumerated() {
            guard r.count >= header.count - 1 else {
                throw DecisionsError(.invalidInput, "CSV row \(n + 2) has \(r.count) fields", line: n + 2)
            }
            func v(_ i: Int) -> String? {
                let s = r[i].trimmingCharacters(in: .whitespaces)
                return s.isEmpty || s == "Select" ? nil : s
            }
            let id = r[cID]
            let email = "lead\(r[cNum])@gmail.com"
            let t0 = base + Int64(n) * 60_000
            func ts(_ k: Int) -> String { EventTime(milliseconds: t0 + Int64(k) * 1000).rfc3339 }
            var k = 0
            var msgs: [(InboundTopic, String)] = []
            var lead: [(String, String)] = [("email", email)]
            let origin = [v(cOrigin), v(cSource)].compactMap { $0 }.joined(separator: " / ")
            if !origin.isEmpty { lead.append(("lead_source", origin)) }
            if let o = v(cOcc) { lead.append(("title", o)) }
            if let s = v(cSpec) { lead.append(("industry", s)) }
            if let c = v(cCountry), c != "unknown" { lead.append(("country", c)) }
            if let c = v(cCity) { lead.append(("state", c)) }
            let fields = lead.map { "\(json($0.0)):\(json($0.1))" }.joined(separator: ",")
            msgs.append(
                (
                    .crm,
                    #"{"event_id":"x-\#(id)-created","type":"lead.created","occurred_at":"\#(ts(k))","source":"xeducation","record_id":\#(json(id)),"lead":{\#(fields)}}"#
                ))
            k += 1
            msgs.append(
                (
                    .web,
                    #"{"type":"identify","messageId":"x-\#(id)-identify","userId":\#(json(id)),"timestamp":"\#(ts(k))","traits":{"email":\#(json(email))}}"#
                ))
            k += 1
            let visits = Double(v(cVisits) ?? "") ?? 0
            let ppv = Double(v(cPPV) ?? "") ?? 0
            let pages = min(25, Int((visits * max(ppv, visits > 0 ? 1 : 0)).rounded()))
            for p in 0..<pages {
                msgs.append(
                    (
                        .web,
                        #"{"type":"page","messageId":"x-\#(id)-p\#(p)","userId":\#(json(id)),"timestamp":"\#(ts(k))","context":{"page":{"url":"https://xeducation.example/courses/\#(p)","path":"/courses/\#(p)"}}}"#
                    ))
                k += 1
            }
            let seconds = Double(v(cTime) ?? "") ?? 0
            let slices = min(20, Int((seconds / 120).rounded(.up)))
            for s in 0..<slices {
                msgs.append((.web, track(id, "Time On Site", nil, "t\(s)", ts(k))))
                k += 1
            }
            func sendgrid(_ event: String, _ extra: String = "") -> (InboundTopic, String) {
                let m = (
                    InboundTopic.email,
                    #"{"email":\#(json(email)),"timestamp":\#((t0 + Int64(k) * 1000) / 1000),"event":"\#(event)","sg_event_id":"x-\#(id)-\#(event)-\#(k)"\#(extra)}"#
                )
                k += 1
                return m
            }
            func crmActivity(_ kind: String, _ outcome: String) -> (InboundTopic, String) {
                let m = (
                    InboundTopic.crm,
                    #"{"event_id":"x-\#(id)-act-\#(k)","type":"activity.logged","occurred_at":"\#(ts(k))","source":"xeducation","record_id":\#(json(id)),"activity":{"kind":"\#(kind)","email":\#(json(email)),"outcome":\#(json(outcome))}}"#
                )
                k += 1
                return m
            }
            if v(cDNE) == "Yes" { msgs.append(sendgrid("unsubscribe")) }
            switch v(cLast) ?? "" {
            case "Email Opened": msgs.append(sendgrid("open"))
            case "Email Link Clicked", "View in browser link Clicked":
                msgs.append(sendgrid("click", #","url":"https://xeducation.example/courses""#))
            case "Email Bounced": msgs.append(sendgrid("bounce", #","type":"bounce","reason":"bounced""#))
            case "Unsubscribed": msgs.append(sendgrid("unsubscribe"))
            case "Email Marked Spam": msgs.append(sendgrid("spamreport"))
            case "Resubscribed to emails": msgs.append(sendgrid("group_resubscribe"))
            case "Page Visited on Website":
                msgs.append(
                    (
                        .web,
                        #"{"type":"page","messageId":"x-\#(id)-last","userId":\#(json(id)),"timestamp":"\#(ts(k))","context":{"page":{"url":"https://xeducation.example/courses","path":"/courses"}}}"#
                    ))
                k += 1
            case "Form Submitted on Website":
                msgs.append((.web, track(id, "Form Submitted", nil, "form", ts(k))))
                k += 1
            case "Olark Chat Conversation":
                msgs.append((.web, track(id, "Olark Chat Conversation", "contact", "chat", ts(k))))
                k += 1
            case "Converted to Lead":
                msgs.append((.web, track(id, "Converted to Lead", nil, "conv", ts(k))))
                k += 1
            case "Had a Phone Conversation", "Approached upfront": msgs.append(crmActivity("call", "connected"))
            case "SMS Sent": msgs.append(crmActivity("note", "sms_sent"))
            case "Unreachable": msgs.append(crmActivity("note", "unreachable"))
            case "Email Received": msgs.append(crmActivity("email_reply", "received"))
            case "Visited Booth in Tradeshow": msgs.append(crmActivity("meeting", "tradeshow"))
            default: break
            }
            let converted = r[cConv] == "1"
            let outcome =
                converted
                ? #"{"event_id":"x-\#(id)-won","type":"lead.converted","occurred_at":"\#(ts(k))","source":"xeducation","record_id":\#(json(id))}"#
                : nil
            out.append(
                Row(
                    prospectID: id, email: email, messages: msgs, outcome: outcome, converted: converted,
                    time: EventTime(milliseconds: t0 + Int64(k) * 1000)))
        }
        return out
    }

    static func track(_ id: String, _ event: String, _ category: String?, _ suffix: String, _ time: String) -> String {
        let props = category.map { #","properties":{"category":"\#($0)"}"# } ?? ""
        return
            #"{"type":"track","messageId":"x-\#(id)-\#(suffix)","userId":\#(json(id)),"event":\#(json(event)),"timestamp":"\#(time)"\#(props)}"#
    }

    /// `s` as a JSON string literal (quoted and escaped).
    static func json(_ s: String) -> String {
        CanonicalJSON.string(.string(s))
    }

    /// Result of ``evaluate(csv:seed:)``.
    package struct Report: Sendable {
        package var rows: Int
        package var logEvents: Int
        package var features: [String]
        package var trainExamples: Int
        package var holdoutExamples: Int
        package var auc: Double
        package var precisionAtTop20: Double
        package var ece: Double
        package var model: LogisticRegression
        package var scoringConfiguration: ScoringConfiguration
        /// The training and held-out feature rows (for further models on the same split).
        package var train: Dataset
        package var holdout: Dataset
        /// The directions the fit was bounded by (schema order); nil for an unbounded fit.
        package var signs: [FeatureDirection]?
    }

    /// Runs the rows through the core, builds feature rows, trains an L2
    /// logistic regression on a seeded stratified 70/30 split and evaluates on the 30 %.
    ///
    /// Split: ``HoldoutSplit/trainMask(labels:seed:trainFraction:)`` (rows of each
    /// class shuffled by a SplitMix64 stream seeded with `seed`, the first
    /// round(0.7·n_class) of each class train; train and holdout keep CSV order). One-hot vocabularies (lead_source parts,
    /// occupation, specialization, country, city) are the values seen at least
    /// `minCount` times in the TRAINING rows. With `directions` (the data set's
    /// directions file) the fit is bounded by them, as `train --directions` does.
    package static func evaluate(
        csv data: Data, seed: UInt64 = 0, minCount: Int = 10, c: Double = 1.0,
        directions: (directions: FeatureDirections, source: String)? = nil
    ) throws -> Report {
        let rows = try rows(csv: data)
        let isTrain = HoldoutSplit.trainMask(labels: rows.map(\.converted), seed: seed)
        // Core pipeline.
        let decoder = InboundDecoder()
        var resolver = IdentityResolver()
        var ledger = Ledger()
        var activity: [LeadID: LeadActivity] = [:]
        var offsets: [InboundTopic: Int64] = [:]
        var effects: [ProjectionEffect] = []
        var leadOfRow: [LeadID] = []
        var logEvents = 0
        var base = ScoringConfiguration()
        base.halfLifeDays = 14
        let halfLifeMs = base.halfLifeDays * 86_400_000
        func feed(_ topic: InboundTopic, _ json: String) throws {
            let name = topic == .crm ? "crm.events" : topic == .web ? "web.events" : "email.events"
            let off = offsets[topic, default: 0]
            offsets[topic] = off + 1
            let inbound = try decoder.decode(topic: topic, bytes: Array(json.utf8))
            for e in resolver.resolve(inbound, at: SourcePosition(topic: name, partition: 0, offset: off)) {
                effects.removeAll(keepingCapacity: true)
                ledger.apply(e, effects: &effects)
                logEvents += 1
                if case .engagement(let g) = e.payload, let raw = e.leadID, !effects.contains(.duplicateIgnored) {
                    let id = ledger.lead(raw)?.id ?? raw
                    activity[id, default: LeadActivity()].add(g, at: e.eventTime.milliseconds, halfLifeMs: halfLifeMs)
                }
            }
        }
        for r in rows {
            for (t, m) in r.messages { try feed(t, m) }
            guard let id = resolver.lead(for: Identifier(.email, r.email)) else {
                throw DecisionsError(.invalidInput, "row \(r.prospectID) did not resolve to a lead")
            }
            leadOfRow.append(id)
        }
        // Vocabulary from training rows.
        func vocabulary(_ attr: AttributeName, separator: String? = nil) -> CategoricalFeature {
            var counts: [String: Int] = [:]
            for (i, id) in leadOfRow.enumerated() where isTrain[i] {
                guard let v = ledger.lead(id)?.attribute(attr)?.value else { continue }
                let parts = separator.map { v.components(separatedBy: $0).map { $0.trimmingCharacters(in: .whitespaces) } } ?? [v]
                for p in parts { counts[p, default: 0] += 1 }
            }
            let values = counts.filter { $0.value >= minCount }.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            return CategoricalFeature(attribute: attr, values: values, separator: separator)
        }
        var config = base
        config.categorical = [
            vocabulary(.leadSource, separator: " / "), vocabulary(.title), vocabulary(.industry),
            vocabulary(.country), vocabulary(.state),
        ]
        let extractor = try FeatureExtractor(config)
        let d = extractor.schema.count
        var trainRows: [Double] = []
        var trainLabels: [Double] = []
        var testRows: [Double] = []
        var testLabels: [Double] = []
        var row = [Double](repeating: 0, count: d)
        for (i, id) in leadOfRow.enumerated() {
            guard let p = ledger.lead(id) else { throw DecisionsError(.invalidInput, "lead \(id) missing from the ledger") }
            let acct = p.account.flatMap { ledger.account($0) }
            row.withUnsafeMutableBufferPointer {
                extractor.extract(
                    lead: p, account: acct, ledger: ledger, activity: activity[p.id] ?? LeadActivity(), at: rows[i].time, into: $0)
            }
            // Missing company size → the training mean (LR ignores NaN; keep it explicit as 0 contribution).
            if isTrain[i] {
                trainRows += row
                trainLabels.append(rows[i].converted ? 1 : 0)
            } else {
                testRows += row
                testLabels.append(rows[i].converted ? 1 : 0)
            }
        }
        // Outcomes flow into the ledger too (feedback loop), after the features were taken.
        for r in rows { if let o = r.outcome { try feed(.crm, o) } }
        let train = try Dataset(schema: extractor.schema, rows: trainRows, labels: trainLabels)
        let holdout = try Dataset(schema: extractor.schema, rows: testRows, labels: testLabels)
        // Features that vary in fewer than 10 training rows get no coefficient, and live
        // inputs are clipped to the training range (see `minimumSupport`, `clipToTrainingRange`):
        // the model is applied to B2B workloads whose values X Education never had.
        let signs = try directions.map { try $0.directions.signs(for: extractor.definitions, source: $0.source) }
        let model = try LogisticRegression.train(
            train, holdout: holdout, options: OutcomeTraining.regressionOptions(c: c, signs: signs),
            range: "xeducation stratified 70/30 seed \(seed)")
        let figures = try HoldoutFigures(probabilities: model.probabilities(holdout), labels: testLabels)
        return Report(
            rows: rows.count, logEvents: logEvents, features: extractor.schema.names,
            trainExamples: train.count, holdoutExamples: holdout.count,
            auc: figures.auc, precisionAtTop20: figures.precisionAtTop20, ece: figures.ece,
            model: model, scoringConfiguration: config, train: train, holdout: holdout, signs: signs)
    }
}

extension XEducation {
    /// A points model in the HubSpot/Marketo style for the X Education features,
    /// written by hand (not fitted): occupation and lead origin, email health,
    /// time on site and page views, CRM contact. Rules on one-hot columns the
    /// training vocabulary lacks are left out.
    package static func fitRulesYAML(schema: FeatureSchema) -> String {
        func rule(_ feature: String, _ condition: String, _ points: Int) -> String? {
            schema.index(of: feature) == nil ? nil : "      - {feature: \(json(feature)), \(condition), points: \(points)}"
        }
        func group(_ header: String, _ rules: [String?]) -> String {
            let present = rules.compactMap { $0 }
            return present.isEmpty ? "" : header + "\n    rules:\n" + present.joined(separator: "\n") + "\n"
        }
        var s = "name: xeducation-fit\ngroups:\n"
        s += group(
            "  - name: profile\n    cap: 40\n    floor: -20",
            [
                rule("title=Working Professional", #"op: "==", value: 1"#, 30),
                rule("title=Student", #"op: "==", value: 1"#, -5),
                rule("lead_source=Lead Add Form", #"op: "==", value: 1"#, 25),
                rule("lead_source=Reference", #"op: "==", value: 1"#, 20),
                rule("lead_source=Welingak Website", #"op: "==", value: 1"#, 25),
                rule("lead_source=Olark Chat", #"op: "==", value: 1"#, -5),
            ])
        s += group(
            "  - name: email\n    floor: -25",
            [
                rule("email_unsubscribed", #"op: "==", value: 1"#, -15),
                rule("email_bounced", #"op: "==", value: 1"#, -10),
                rule("email_spam_reported", #"op: "==", value: 1"#, -10),
            ])
        s += group(
            "  - name: engagement\n    cap: 40",
            [
                rule("tracks_decayed", #"op: ">=", value: 4"#, 20),
                rule("tracks_decayed", #"op: ">=", value: 8"#, 10),
                rule("page_views_decayed", #"op: ">=", value: 5"#, 5),
                rule("crm_activities_decayed", #"op: ">", value: 0"#, 15),
                rule("email_replies", #"op: ">", value: 0"#, 10),
            ])
        return s
    }

    /// The ensemble evaluated on the same split: the hand-written points model
    /// (``fitRulesYAML(schema:)``) and the logistic regression of `report`, stacked
    /// and Platt-calibrated on out-of-fold margins of the training rows by ``StackedEnsemble/fit(rules:rulesYAML:propensity:refit:folds:seed:train:holdout:topK:treeExplanation:range:)``.
    /// Metrics are on the held-out rows.
    package static func stackedEnsemble(_ report: Report) throws -> EnsembleReport {
        let rulesYAML = fitRulesYAML(schema: report.train.schema)
        let rules = try RuleModel.load(yaml: rulesYAML, source: "fit-rules.yaml", schema: report.train.schema)
        let model = report.model
        return try StackedEnsemble.fit(
            rules: rules, rulesYAML: rulesYAML, propensity: model,
            refit: {
                try LogisticRegression.train(
                    $0, options: OutcomeTraining.regressionOptions(c: model.training.c), range: "xeducation stacking fold")
            },
            train: report.train, holdout: report.holdout,
            topK: report.scoringConfiguration.topK, treeExplanation: report.scoringConfiguration.treeExplanation,
            range: "xeducation stacking, training rows")
    }

    /// Result of ``stackedEnsemble(_:)``.
    package typealias EnsembleReport = StackedEnsemble.Report
}

extension XEducation {
    /// A scoring configuration file for a configuration (model: logistic regression at `artifact`).
    package static func scoringYAML(_ c: ScoringConfiguration, artifact: String) -> String {
        c.yaml(model: .logisticRegression(artifact: artifact))
    }

    /// The same configuration with the ensemble of ``stackedEnsemble(_:)``:
    /// `ensemble.json` combining `fit-rules.yaml` and `lr.json`.
    package static func ensembleScoringYAML(_ c: ScoringConfiguration) -> String {
        c.yaml(model: .stackedEnsemble(artifact: "ensemble.json", rules: "fit-rules.yaml", logistic: "lr.json"))
    }
}
