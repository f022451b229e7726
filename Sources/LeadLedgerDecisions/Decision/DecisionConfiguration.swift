import Foundation
import LeadLedgerCore

/// Everything a ``Decider`` needs, loaded once: the scoring configuration, the
/// propensity model (as an ``Ensemble``), the routing rules and their versions.
///
/// - `modelVersion`: first 16 hex digits of SHA-256(scoring config bytes ‖ 0x00 ‖ model artifact bytes);
/// - `rulesetVersion`: first 16 hex digits of SHA-256(routing YAML bytes).
public struct DecisionConfiguration: Sendable {
    public let scoring: ScoringConfiguration
    public let extractor: FeatureExtractor
    public let ensemble: Ensemble
    public let routing: RoutingRules
    public let modelVersion: String
    public let rulesetVersion: String

    /// Builds a configuration from bytes; `*Source` names the inputs in errors.
    public init(scoringYAML: Data, scoringSource: String, modelArtifact: Data, modelSource: String,
                routingYAML: Data, routingSource: String) throws {
        let scoring = try ScoringConfiguration.load(yaml: scoringYAML, source: scoringSource)
        let extractor = try FeatureExtractor(scoring)
        let schema = extractor.schema
        let component: EnsembleComponent
        var calibration = Calibrator.identity(fromMargin: true)
        switch scoring.modelKind {
        case "logistic_regression":
            let (m, v) = try LogisticRegression.load(artifact: modelArtifact, source: modelSource)
            guard m.schema == schema else {
                throw DecisionsError(.schemaMismatch, "model features \(m.schema.names) differ from the feature catalogue of the scoring configuration \(schema.names)",
                                     file: modelSource, field: "features")
            }
            if let c = m.calibration { calibration = c }
            component = EnsembleComponent(name: "propensity", model: .logistic(m), weight: 1, modelVersion: v.sha256)
        case "xgboost":
            let m = try TreeEnsemble.loadXGBoost(json: modelArtifact, source: modelSource, schema: schema)
            component = EnsembleComponent(name: "propensity", model: .trees(m), weight: 1, modelVersion: m.version.sha256)
        default:
            let m = try TreeEnsemble.loadLightGBM(json: modelArtifact, source: modelSource, schema: schema)
            component = EnsembleComponent(name: "propensity", model: .trees(m), weight: 1, modelVersion: m.version.sha256)
        }
        let ensemble = try Ensemble(schema: schema, components: [component], bias: 0, calibration: calibration,
                                    topK: scoring.topK, treeExplanation: scoring.treeExplanation)
        let routing = try RoutingRules.load(yaml: routingYAML, source: routingSource)
        self.scoring = scoring
        self.extractor = extractor
        self.ensemble = ensemble
        self.routing = routing
        self.modelVersion = String(ContentVersion(of: Array(scoringYAML) + [0] + Array(modelArtifact)).sha256.prefix(16))
        self.rulesetVersion = String(routing.version.sha256.prefix(16))
    }

    /// Loads from files: the scoring configuration (its `model.artifact` is
    /// resolved relative to the configuration's directory) and the routing rules.
    public static func load(scoringConfig: URL, routingRules: URL) throws -> DecisionConfiguration {
        func read(_ url: URL) throws -> Data {
            do { return try Data(contentsOf: url) } catch {
                throw DecisionsError(.invalidConfig, "cannot read file: \(error.localizedDescription)", file: url.path)
            }
        }
        let scoringData = try read(scoringConfig)
        let scoring = try ScoringConfiguration.load(yaml: scoringData, source: scoringConfig.path)
        let artifactURL = URL(fileURLWithPath: scoring.modelArtifact, relativeTo: scoringConfig.deletingLastPathComponent())
        return try DecisionConfiguration(scoringYAML: scoringData, scoringSource: scoringConfig.path,
                                         modelArtifact: try read(artifactURL), modelSource: artifactURL.path,
                                         routingYAML: try read(routingRules), routingSource: routingRules.path)
    }
}
