import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import Logging
import Synchronization

/// The deciders of the model versions and rule sets a process may switch to,
/// shared by every partition of the materialize stage: the configured model and
/// routing rules, then any model version or rule set from the local
/// ``ModelStore``, which ``refresh()`` fills from the registry topic. A decider
/// is one model with one rule set. Lookups (``decider(model:ruleSet:)``) are
/// synchronous and never touch Kafka, so the engine refreshes before it needs a
/// version: at start, before a partition's restore replay, and before applying
/// a control event naming a version it does not have.
package final class ModelCatalog: Sendable {
    /// The configured model (decides until a partition's first activation).
    package let configured: Decider
    let store: ModelStore
    let registry: ModelRegistry?
    let reader: LogReader?
    let routingYAML: Data
    let routingSource: String
    let auditRecordLimit: Int
    let auditSchema: AuditSchema
    let routingSchema: RoutingSchema
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
        self.auditSchema = configured.configuration.auditSchema
        self.routingSchema = configured.configuration.routingSchema
        self.logger = logger
        deciders = Mutex(["\(configured.configuration.modelVersion)/\(configured.configuration.rulesetVersion)": configured])
    }

    /// The configured model's version.
    package var configuredVersion: String { configured.configuration.modelVersion }

    /// The configured routing rules' version.
    package var configuredRuleSet: String { configured.configuration.rulesetVersion }

    /// The decider of model `version` with the configured routing rules.
    package func decider(for version: String) -> Decider? { decider(model: version, ruleSet: configuredRuleSet) }

    /// The decider of model `version` routing by rule set `ruleSet`: loaded once from
    /// the store (the configured model and rules from the configured files); nil when
    /// the store lacks either or they do not load.
    package func decider(model version: String, ruleSet: String) -> Decider? {
        let key = "\(version)/\(ruleSet)"
        if let known = deciders.withLock({ $0[key] }) { return known }
        do {
            guard let routing = try routing(ruleSet) else { return nil }
            let configuration: DecisionConfiguration
            if version == configuredVersion {
                configuration = try configured.configuration.routed(by: routing.yaml, routingSource: routing.source)
            } else {
                guard let (manifest, bundle) = try store.load(version), manifest.modelVersion == version else { return nil }
                configuration = try bundle.configuration(
                    routingYAML: routing.yaml, routingSource: routing.source, auditRecordLimit: auditRecordLimit,
                    auditSchema: auditSchema, routingSchema: routingSchema)
            }
            guard configuration.modelVersion == version, configuration.rulesetVersion == ruleSet else {
                logger.error(
                    "model store: \(key) loads as \(configuration.modelVersion)/\(configuration.rulesetVersion); ignored")
                return nil
            }
            let decider = Decider(configuration)
            deciders.withLock { $0[key] = decider }
            return decider
        } catch {
            logger.error("model store: cannot load model \(version) with rule set \(ruleSet): \(error)")
            return nil
        }
    }

    /// The routing file of rule set `version`: the configured one, else the cached registry record; nil when not cached.
    func routing(_ version: String) throws -> (yaml: Data, source: String)? {
        if version == configuredRuleSet { return (routingYAML, routingSource) }
        guard let record = try store.loadRuleSet(version) else { return nil }
        return (Data(record.yaml), record.source)
    }

    /// Whether model `version` is loadable now.
    package func isAvailable(_ version: String) -> Bool { decider(for: version) != nil }

    /// Whether rule set `version` is loadable now.
    package func isRuleSetAvailable(_ version: String) -> Bool { decider(model: configuredVersion, ruleSet: version) != nil }

    /// Whether the version `event` names (a model, or a rule set for the `ruleset.*` types) is loadable now;
    /// true for the rollbacks, which name none.
    package func canApply(_ event: ControlEvent) -> Bool {
        guard let version = event.version else { return true }
        return event.kind.actsOnRuleSet ? isRuleSetAvailable(version) : isAvailable(version)
    }

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
        for (version, record) in contents.ruleSets.sorted(by: { $0.key < $1.key }) where (try? store.loadRuleSet(version)) == nil {
            try store.saveRuleSet(record)
        }
        for (version, error) in contents.brokenRuleSets.sorted(by: { $0.key < $1.key }) {
            logger.warning("model registry: rule set \(version) is unusable: \(error)")
        }
    }

    /// Refreshes, logging instead of failing when the registry cannot be read
    /// (before a restore: only a version the log activates and the cache lacks needs it).
    package func refreshLoggingFailure() async {
        do { try await refresh() } catch {
            logger.warning("model registry unreadable (\(error)); only cached model versions can be activated")
        }
    }

    /// Refreshes unless the version every event in `events` names is available already.
    package func ensure(_ events: [ControlEvent]) async throws {
        if events.allSatisfy({ canApply($0) }) { return }
        try await refresh()
    }
}
