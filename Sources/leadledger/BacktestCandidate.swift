import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// The candidate of `leadledger backtest --candidate`: a directory with
/// `scoring.yaml` (and optionally `routing.yaml`), or a registered model version;
/// without `--candidate`, the configured model. `--rules` then replaces its
/// routing rules (``routed(by:configuration:logger:)``).
///
/// A path that exists is a directory, whatever it looks like; anything else is
/// a version, loaded from the registry (or the local model store) the way
/// `leadledger models show` and `promote` load it, with the configured routing rules.
struct BacktestCandidate {
    /// Where the candidate came from.
    enum Source: String, Encodable {
        /// A directory given on the command line.
        case directory
        /// A version of the model registry.
        case registry
        /// The configured scoring files (no --candidate).
        case configured
    }

    /// The candidate's decision configuration.
    var decisions: DecisionConfiguration
    /// Where it came from.
    var source: Source

    /// Resolves `argument` against the file system, then the registry.
    /// - Throws: ``ModelRegistryError`` `unknown_model_version` when `argument` is
    ///   neither an existing path nor a registered version (exit status 3), or the
    ///   candidate's own loading error.
    static func resolve(_ argument: String?, configuration: EngineConfiguration, logger: Logger) async throws -> BacktestCandidate {
        guard let argument else { return BacktestCandidate(decisions: try configuration.decisionConfiguration(), source: .configured) }
        if FileManager.default.fileExists(atPath: argument) {
            return BacktestCandidate(decisions: try directory(argument, configuration: configuration), source: .directory)
        }
        try await ensureTopics(configuration, logger: logger)
        let operations = ModelOperations(configuration: configuration, logger: logger)
        let bundle: ModelBundle
        do {
            bundle = try await operations.lookup(argument).bundle
        } catch let error as ModelRegistryError where error.code == .unknownModelVersion {
            throw ModelRegistryError(
                .unknownModelVersion, context: argument,
                "no such directory, and no model version \(argument) in \(configuration.topics.models)")
        }
        return BacktestCandidate(decisions: try operations.configuration(of: bundle), source: .registry)
    }

    /// The configuration of a candidate directory: its `scoring.yaml`, with its own
    /// `routing.yaml` when it has one, else the configured routing rules.
    static func directory(_ path: String, configuration: EngineConfiguration) throws -> DecisionConfiguration {
        let directory = URL(fileURLWithPath: path)
        let scoring = directory.appendingPathComponent("scoring.yaml")
        guard FileManager.default.fileExists(atPath: scoring.path) else {
            throw RuntimeFailure("\(path) has no scoring.yaml (a candidate is a directory like config/, or a registered model version)")
        }
        let candidateRouting = directory.appendingPathComponent("routing.yaml")
        let routing =
            FileManager.default.fileExists(atPath: candidateRouting.path)
            ? candidateRouting : URL(fileURLWithPath: configuration.routingFile)
        do {
            return try DecisionConfiguration.load(scoringConfig: scoring, routingRules: routing)
        } catch let error as DecisionsError {
            throw EngineError(.invalidConfiguration, context: error.file ?? scoring.path, "\(error)")
        }
    }

    /// The candidate's configuration routed by `rules`: a routing YAML file (an existing
    /// path, whatever it looks like), else a registered rule set, loaded from the registry
    /// as `leadledger rules show` loads it.
    /// - Throws: ``ModelRegistryError`` `unknown_ruleset_version` when `rules` is neither
    ///   (exit status 3), or `invalid_ruleset` when the rules do not load.
    func routed(by rules: String, configuration: EngineConfiguration, logger: Logger) async throws -> DecisionConfiguration {
        let yaml: [UInt8]
        let source: String
        if FileManager.default.fileExists(atPath: rules) {
            do { yaml = Array(try Data(contentsOf: URL(fileURLWithPath: rules))) } catch {
                throw ModelRegistryError(.invalidRuleSet, context: rules, "cannot read: \(error.localizedDescription)")
            }
            source = rules
        } else {
            try await ensureTopics(configuration, logger: logger)
            let operations = ModelOperations(configuration: configuration, logger: logger)
            do {
                let record = try await operations.lookupRuleSet(rules)
                yaml = record.yaml
                source = record.source
            } catch let error as ModelRegistryError where error.code == .unknownRuleSetVersion {
                throw ModelRegistryError(
                    .unknownRuleSetVersion, context: rules, "no such file, and no rule set \(rules) in \(configuration.topics.models)")
            }
        }
        do {
            return try decisions.routed(by: Data(yaml), routingSource: source)
        } catch {
            throw ModelRegistryError(.invalidRuleSet, context: source, "\(error)")
        }
    }
}
