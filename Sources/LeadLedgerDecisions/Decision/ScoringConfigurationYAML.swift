import Foundation

extension ScoringConfiguration {
    /// The `model:` section a written configuration names (paths relative to the file).
    package enum ModelFiles: Sendable, Equatable {
        /// `model: {kind: logistic_regression, artifact: <artifact>}`.
        case logisticRegression(artifact: String)
        /// `kind: ensemble` with `artifact` (the `leadledger.ensemble` file) combining the
        /// components `fit` (a points model, `rules`) and `propensity` (a logistic regression, `logistic`).
        case stackedEnsemble(artifact: String, rules: String, logistic: String)
    }

    /// This configuration as a scoring configuration file that ``load(yaml:source:)``
    /// reads back to an equal configuration, except for the model section, which names
    /// `model`'s files. `tree_explanation` and `gate` are written only when they differ
    /// from the defaults (comments of an input file are not kept).
    package func yaml(model: ModelFiles) -> String {
        func quoted(_ s: String) -> String {
            var w = RecordJSON()
            w.string(s)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        func list(_ xs: [String]) -> String { "[" + xs.map(quoted).joined(separator: ", ") + "]" }
        var s = "half_life_days: \(halfLifeDays)\nengaged_window_days: \(engagedWindowDays)\n"
        s += "competitor_domains: \(list(competitorDomains))\ntarget_industries: \(list(targetIndustries))\n"
        s += "target_functions: \(list(targetFunctions))\ntarget_countries: \(list(targetCountries))\n"
        if !categorical.isEmpty {
            s += "categorical:\n"
            for f in categorical {
                s += "  - attribute: \(f.attribute.rawValue)\n    values: \(list(f.values))\n"
                if let sep = f.separator { s += "    separator: \(quoted(sep))\n" }
            }
        }
        if !customFeatures.isEmpty {
            s += "custom_features:\n"
            for f in customFeatures {
                s += "  - field: \(f.field)\n    of: \(f.owner.rawValue)\n"
                switch f.kind {
                case .categorical(let values): s += "    kind: categorical\n    values: \(list(values))\n"
                case .numeric(let clip, let log1p):
                    s += "    kind: numeric\n"
                    if let clip { s += "    clip: [\(clip.lowerBound), \(clip.upperBound)]\n" }
                    if log1p { s += "    transform: log1p\n" }
                }
                s += "    direction: \(f.direction.rawValue)\n"
            }
        }
        switch model {
        case .logisticRegression(let artifact):
            s += "model: {kind: logistic_regression, artifact: \(quoted(artifact))}\n"
        case .stackedEnsemble(let artifact, let rules, let logistic):
            s += """
                model:
                  kind: ensemble
                  artifact: \(artifact)
                  components:
                    fit: {kind: rules, artifact: \(rules)}
                    propensity: {kind: logistic_regression, artifact: \(logistic)}

                """
        }
        s += "top_k: \(topK)\n"
        if treeExplanation != .pathAttribution { s += "tree_explanation: \(treeExplanation.rawValue)\n" }
        if gate != GateConfiguration() {
            s += "gate:\n"
            s += "  sales_ready: {enter: \(gate.salesReadyEnter), exit: \(gate.salesReadyExit)}\n"
            s += "  sales_develop: {enter: \(gate.salesDevelopEnter), exit: \(gate.salesDevelopExit)}\n"
            s +=
                "  review: {min_employees: \(gate.reviewMinEmployees), probability_low: \(gate.reviewProbabilityLow), probability_high: \(gate.reviewProbabilityHigh)}\n"
            s += "  unsubscribe_policy: \(gate.unsubscribePolicy.rawValue)\n"
        }
        return s
    }
}
