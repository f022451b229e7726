/// The model and rule-set versions of the configured scoring and routing files:
/// what decides and routes on a log partition before its first activation.
package struct ConfiguredVersions: Sendable, Equatable {
    /// The configured model version.
    package var model: String
    /// The configured rule set's `ruleset_version`.
    package var ruleSet: String

    package init(model: String, ruleSet: String) {
        self.model = model
        self.ruleSet = ruleSet
    }
}
