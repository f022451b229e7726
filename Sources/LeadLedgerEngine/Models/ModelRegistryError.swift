/// An error of the model registry and of model activation, with a stable code.
package struct ModelRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, machine-readable.
    package enum Code: String, Sendable, Hashable {
        /// No manifest of this version on the registry topic or in the local cache.
        case unknownModelVersion = "unknown_model_version"
        /// An artifact's bytes (chunks joined, or a cached file) do not have the SHA-256 its manifest names.
        case artifactHashMismatch = "artifact_hash_mismatch"
        /// The files do not form a model (unreadable scoring configuration, artifact, component).
        case invalidModel = "invalid_model"
        /// A manifest or chunk record on the registry topic cannot be read.
        case invalidRecord = "invalid_registry_record"
        /// No rule set of this version on the registry topic.
        case unknownRuleSetVersion = "unknown_ruleset_version"
        /// A routing file that cannot be registered (too large, not text, not valid rules).
        case invalidRuleSet = "invalid_ruleset"
        /// A promotion was refused (e.g. there is nothing to roll back to).
        case refused = "promote_refused"
    }

    /// The code.
    package var code: Code
    /// The version or file concerned.
    package var context: String
    /// A readable reason.
    package var reason: String

    /// Creates an error.
    package init(_ code: Code, context: String, _ reason: String) {
        self.code = code
        self.context = context
        self.reason = reason
    }

    package var description: String { "\(code.rawValue) (\(context)): \(reason)" }
}
