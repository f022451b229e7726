import Foundation
import LeadLedgerDecisions
import Logging
import Synchronization

/// The deciders of the model versions a process may switch to, shared by every
/// partition of the materialize stage: the configured model, then any version
/// from the local ``ModelStore``, which ``refresh()`` fills from the registry
/// topic. Lookups (``decider(for:)``) are synchronous and never touch Kafka, so
/// the engine refreshes before it needs a version: at start, before a
/// partition's restore replay, and before applying a control event naming a
/// version it does not have.
package final class ModelCatalog: Sendable {
    /// The configured model (decides until a partition's first activation).
    package let configured: Decider
    let store: ModelStore
    let registry: ModelRegistry?
    let reader: LogReader?
    let routingYAML: Data
    let routingSource: String
    let auditRecordLimit: Int
    let logger: Logger
    private let deciders: Mutex<[String: Decider]>

    /// Creates a catalog. Without a registry and reader, only cached versions load.
    package init(
        configured: Decider, store: ModelStore, registry: ModelRegistry?, reader: LogReader?, routingYAML: Data, routingSource: String,
        logger: Logger
    ) {
        self.configured = configured
        self.store = store
        self.registry = registry
        self.reader = reader
        self.routingYAML = routingYAML
        self.routingSource = routingSource
        self.auditRecordLimit = configured.configuration.auditRecordLimit
        self.logger = logger
        deciders = Mutex([configured.configuration.modelVersion: configured])
    }

    /// The configured model's version.
    package var configuredVersion: String { configured.configuration.modelVersion }

    /// The decider of `version`: loaded once from the store; nil when the store lacks it or it does not load.
    package func decider(for version: String) -> Decider? {
        if let known = deciders.withLock({ $0[version] }) { return known }
        do {
            guard let (manifest, bundle) = try store.load(version), manifest.modelVersion == version else { return nil }
            let configuration = try bundle.configuration(
                routingYAML: routingYAML, routingSource: routingSource, auditRecordLimit: auditRecordLimit)
            guard configuration.modelVersion == version else {
                logger.error("model store: \(version) holds files of version \(configuration.modelVersion); ignored")
                return nil
            }
            let decider = Decider(configuration)
            deciders.withLock { $0[version] = decider }
            return decider
        } catch {
            logger.error("model store: cannot load \(version): \(error)")
            return nil
        }
    }

    /// Whether `version` is loadable now.
    package func isAvailable(_ version: String) -> Bool { decider(for: version) != nil }

    /// Copies every intact registry version the store lacks into the store.
    package func refresh() async throws {
        guard let registry, let reader else { return }
        let contents = try await registry.read(reader: reader)
        let cached = Set(store.versions())
        for (version, entry) in contents.versions.sorted(by: { $0.key < $1.key }) where !cached.contains(version) {
            try store.save(entry.manifest, entry.bundle)
        }
        for (version, error) in contents.broken.sorted(by: { $0.key < $1.key }) {
            logger.warning("model registry: version \(version) is unusable: \(error)")
        }
    }

    /// Refreshes, logging instead of failing when the registry cannot be read
    /// (before a restore: only a version the log activates and the cache lacks needs it).
    package func refreshLoggingFailure() async {
        do { try await refresh() } catch {
            logger.warning("model registry unreadable (\(error)); only cached model versions can be activated")
        }
    }

    /// Refreshes unless every version in `versions` is available already.
    package func ensure(_ versions: [String]) async throws {
        if versions.allSatisfy({ isAvailable($0) }) { return }
        try await refresh()
    }
}
