import LeadLedgerDecisions

extension ModelOperations {
    /// The feature sets the readers of audit records name features with: the
    /// configured model's, then every version in the registry (read from the
    /// registry topic, else the local model store). A version that does not
    /// load is left out, with a warning: its records then name features by index.
    package func featureSets() async -> FeatureSets {
        var sets = FeatureSets()
        if let configured = try? configuration.decisionConfiguration() { sets.insert(configured.featureSet) }
        var bundles: [String: ModelBundle] = [:]
        do {
            for (version, entry) in try await contents().versions { bundles[version] = entry.bundle }
        } catch {
            logger.warning("model registry: \(error); feature names from the local model store only")
            for version in configuration.modelCache.versions() {
                if let cached = try? configuration.modelCache.load(version) { bundles[version] = cached.bundle }
            }
        }
        for (version, bundle) in bundles.sorted(by: { $0.key < $1.key }) {
            do {
                sets.insert(try configuration(of: bundle).featureSet)
            } catch {
                logger.warning("model \(version): \(error); its feature names are unknown")
            }
        }
        return sets
    }

    /// The feature set of model `version` (the configured model's when it is that version).
    /// - Throws: ``ModelRegistryError`` `unknown_model_version`, or the version's own problem.
    package func featureSet(of version: String) async throws -> FeatureSet {
        if let configured = try? configuration.decisionConfiguration(), configured.modelVersion == version {
            return configured.featureSet
        }
        return try configuration(of: try await lookup(version).bundle).featureSet
    }
}
