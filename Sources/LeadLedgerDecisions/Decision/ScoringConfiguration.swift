import Foundation
import LeadLedgerCore
import Yams

/// The scoring configuration file (YAML): feature parameters, the model
/// artifact, explanation settings and the gate.
///
/// ```yaml
/// half_life_days: 14            # engagement/intent decay, event time
/// engaged_window_days: 30       # account_engaged_contacts window
/// competitor_domains: [rival.io]
/// target_industries: [software]
/// target_functions: [it, engineering]
/// target_countries: [US, DE]
/// categorical:                  # optional one-hot columns
///   - {attribute: lead_source, values: [Google, Reference], separator: " / "}
/// custom_features:              # optional custom CRM fields (CustomFeature)
///   - {field: Budget__c, of: lead, kind: categorical, values: [high, medium], direction: positive}
/// model: {kind: logistic_regression, artifact: lr.json}   # or xgboost / lightgbm
/// # or an ensemble (SPEC §4): a `leadledger.ensemble` artifact (bias, weights,
/// # calibration, component model versions) plus the file of every component:
/// # model:
/// #   kind: ensemble
/// #   artifact: ensemble.json
/// #   components:
/// #     fit: {kind: rules, artifact: fit-rules.yaml}             # RuleModel YAML
/// #     propensity: {kind: logistic_regression, artifact: lr.json}
/// #     behaviour: {kind: xgboost, artifact: xgb.json}           # or lightgbm
/// #     account: {kind: feature, feature: account_engaged_contacts}
/// top_k: 5
/// tree_explanation: path        # path (default, fast) | treeshap_table | treeshap
/// gate:
///   sales_ready: {enter: 70, exit: 60}
///   sales_develop: {enter: 40, exit: 30}
///   review: {min_employees: 1000, probability_low: 0.35, probability_high: 0.65}
///   unsubscribe_policy: disqualify
/// ```
package struct ScoringConfiguration: Sendable, Equatable {
    package var halfLifeDays = 14.0
    package var engagedWindowDays = 30.0
    package var competitorDomains: [String] = []
    package var targetIndustries: [String] = []
    package var targetFunctions: [String] = []
    package var targetCountries: [String] = []
    package var categorical: [CategoricalFeature] = []
    /// Custom CRM fields used as features (``CustomFeature``), after the categorical columns.
    package var customFeatures: [CustomFeature] = []
    /// `logistic_regression`, `xgboost`, `lightgbm` or `ensemble`.
    package var modelKind = "logistic_regression"
    /// Artifact path, relative to the configuration file (for `ensemble`, the
    /// `leadledger.ensemble` artifact).
    package var modelArtifact = ""
    /// The components of a `kind: ensemble` model, in file order (empty otherwise).
    package var ensembleComponents: [EnsembleComponentSource] = []
    package var topK = 5
    package var treeExplanation = TreeExplanationMethod.pathAttribution
    package var gate = GateConfiguration()
    package init() {}

    /// The feature schema implied by this configuration.
    package func featureSchema() throws -> FeatureSchema {
        try FeatureSchema(FeatureCatalogue.definitions(categorical: categorical, custom: customFeatures).map(\.name))
    }

    /// Parses and validates the YAML; errors carry file/line/field.
    package static func load(yaml data: Data, source: String) throws -> ScoringConfiguration {
        let r = YAMLReader(source: source)
        let root = try r.root(data)
        var c = ScoringConfiguration()
        var featureComponents: [(EnsembleComponentSource, Node)] = []
        for (k, n) in try r.mapping(
            root, "",
            known: [
                "half_life_days", "engaged_window_days", "competitor_domains", "target_industries",
                "target_functions", "target_countries", "categorical", "custom_features", "model", "top_k",
                "tree_explanation", "gate",
            ], required: ["model"])
        {
            switch k {
            case "half_life_days": c.halfLifeDays = try r.number(n, k, min: 0.001)
            case "engaged_window_days": c.engagedWindowDays = try r.number(n, k, min: 0)
            case "competitor_domains": c.competitorDomains = try r.strings(n, k).map { $0.lowercased() }
            case "target_industries": c.targetIndustries = try r.strings(n, k)
            case "target_functions":
                c.targetFunctions = try r.strings(n, k)
                for (i, f) in c.targetFunctions.enumerated() where JobFunction(rawValue: f) == nil {
                    throw r.fail(
                        n.sequence?[i], "\(k)[\(i)]",
                        "unknown job function '\(f)' (allowed: \(JobFunction.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            case "target_countries": c.targetCountries = try r.strings(n, k)
            case "categorical":
                guard let seq = n.sequence else { throw r.fail(n, k, "expected a list") }
                for (i, item) in seq.enumerated() {
                    let path = "categorical[\(i)]"
                    var attr: AttributeName?
                    var values: [String] = []
                    var sep: String?
                    for (ck, cn) in try r.mapping(
                        item, path, known: ["attribute", "values", "separator"], required: ["attribute", "values"])
                    {
                        switch ck {
                        case "attribute":
                            let s = try r.string(cn, path + ".attribute")
                            guard let a = AttributeName(rawValue: s) else {
                                throw r.fail(cn, path + ".attribute", "unknown lead attribute '\(s)'")
                            }
                            attr = a
                        case "values": values = try r.strings(cn, path + ".values")
                        default: sep = try r.string(cn, path + ".separator")
                        }
                    }
                    c.categorical.append(CategoricalFeature(attribute: attr!, values: values, separator: sep))
                }
            case "custom_features":
                guard let seq = n.sequence else { throw r.fail(n, k, "expected a list") }
                for (i, item) in seq.enumerated() {
                    c.customFeatures.append(try CustomFeature.load(item, path: "custom_features[\(i)]", r))
                }
            case "model":
                var componentsNode: Node?
                for (mk, mn) in try r.mapping(n, "model", known: ["kind", "artifact", "components"], required: ["kind", "artifact"]) {
                    switch mk {
                    case "kind":
                        c.modelKind = try r.string(mn, "model.kind")
                        guard ["logistic_regression", "xgboost", "lightgbm", "ensemble"].contains(c.modelKind) else {
                            throw r.fail(
                                mn, "model.kind",
                                "unknown model kind '\(c.modelKind)' (allowed: logistic_regression, xgboost, lightgbm, ensemble)")
                        }
                    case "artifact": c.modelArtifact = try r.string(mn, "model.artifact")
                    default: componentsNode = mn
                    }
                }
                if c.modelKind == "ensemble" {
                    guard let componentsNode else { throw r.fail(n, "model.components", "a model of kind ensemble needs its components") }
                    let components = try readComponents(componentsNode, r)
                    c.ensembleComponents = components.map(\.0)
                    featureComponents = components.filter { $0.0.kind == .feature }
                } else if let componentsNode {
                    throw r.fail(
                        componentsNode, "model.components", "components are only allowed with kind: ensemble (this model is \(c.modelKind))"
                    )
                }
            case "top_k": c.topK = try r.integer(n, k, min: 1)
            case "tree_explanation":
                let s = try r.string(n, k)
                guard let m = TreeExplanationMethod(rawValue: s) else {
                    throw r.fail(n, k, "unknown method '\(s)' (allowed: path, treeshap_table, treeshap)")
                }
                c.treeExplanation = m
            default:
                c.gate = try readGate(n, r)
            }
        }
        let schema = try c.featureSchema()  // duplicate one-hot names fail here
        for (component, node) in featureComponents where schema.index(of: component.reference) == nil {
            throw r.fail(
                node, "model.components.\(component.name).feature",
                "no catalogue feature named '\(component.reference)' (features: \(schema.names.joined(separator: ", ")))")
        }
        return c
    }

    /// The components under `model.components`, each with its node (for errors found later).
    static func readComponents(_ node: Node, _ r: YAMLReader) throws -> [(EnsembleComponentSource, Node)] {
        var out: [(EnsembleComponentSource, Node)] = []
        let entries = try r.mapping(node, "model.components", known: nil)
        guard !entries.isEmpty else { throw r.fail(node, "model.components", "an ensemble needs at least one component") }
        for (name, cn) in entries {
            let path = "model.components." + name
            var kind = ""
            var reference = ""
            var kindNode: Node?
            let members = try r.mapping(cn, path, known: ["kind", "artifact", "feature"], required: ["kind"])
            for (k, v) in members {
                switch k {
                case "kind":
                    kind = try r.string(v, path + ".kind")
                    kindNode = v
                default: reference = try r.string(v, path + "." + k)
                }
            }
            guard let source = EnsembleComponentSource.Kind(rawValue: kind) else {
                throw r.fail(
                    kindNode, path + ".kind",
                    "unknown component kind '\(kind)' (allowed: \(EnsembleComponentSource.Kind.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            let needed = source == .feature ? "feature" : "artifact"
            guard members.contains(where: { $0.key == needed }), members.count == 2 else {
                throw r.fail(cn, path + "." + needed, "a \(kind) component needs `\(needed)` (and nothing else besides `kind`)")
            }
            out.append((EnsembleComponentSource(name: name, kind: source, reference: reference), cn))
        }
        return out
    }

    static func readGate(_ node: Node, _ r: YAMLReader) throws -> GateConfiguration {
        var g = GateConfiguration()
        for (k, n) in try r.mapping(node, "gate", known: ["sales_ready", "sales_develop", "review", "unsubscribe_policy"]) {
            let path = "gate." + k
            switch k {
            case "sales_ready", "sales_develop":
                var enter = 0.0
                var exit = 0.0
                for (tk, tn) in try r.mapping(n, path, known: ["enter", "exit"], required: ["enter", "exit"]) {
                    if tk == "enter" {
                        enter = try r.number(tn, path + ".enter", min: 0, max: 100)
                    } else {
                        exit = try r.number(tn, path + ".exit", min: 0, max: 100)
                    }
                }
                guard exit <= enter else {
                    throw r.fail(n, path + ".exit", "exit threshold \(exit) must not exceed enter threshold \(enter)")
                }
                if k == "sales_ready" {
                    g.salesReadyEnter = enter
                    g.salesReadyExit = exit
                } else {
                    g.salesDevelopEnter = enter
                    g.salesDevelopExit = exit
                }
            case "review":
                for (rk, rn) in try r.mapping(n, path, known: ["min_employees", "probability_low", "probability_high"]) {
                    switch rk {
                    case "min_employees": g.reviewMinEmployees = try r.number(rn, path + ".min_employees", min: 0)
                    case "probability_low": g.reviewProbabilityLow = try r.number(rn, path + ".probability_low", min: 0, max: 1)
                    default: g.reviewProbabilityHigh = try r.number(rn, path + ".probability_high", min: 0, max: 1)
                    }
                }
                guard g.reviewProbabilityLow <= g.reviewProbabilityHigh else {
                    throw r.fail(n, path + ".probability_high", "probability_high must be ≥ probability_low")
                }
            default:
                let s = try r.string(n, path)
                guard let p = GateConfiguration.UnsubscribePolicy(rawValue: s) else {
                    throw r.fail(n, path, "unknown policy '\(s)' (allowed: disqualify, nurture, ignore)")
                }
                g.unsubscribePolicy = p
            }
        }
        guard g.salesDevelopEnter <= g.salesReadyEnter else {
            throw r.fail(node, "gate.sales_develop.enter", "sales_develop.enter must not exceed sales_ready.enter")
        }
        return g
    }
}
