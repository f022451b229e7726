import Foundation
import LeadLedgerCore

/// Everything a ``Decider`` needs, loaded once: the scoring configuration, the
/// propensity model (as an ``Ensemble``), the routing rules and their versions.
///
/// - `modelVersion`: first 16 hex digits of SHA-256(scoring config bytes ‖ 0x00 ‖ model artifact bytes),
///   for an ensemble followed by `0x00 ‖ component file bytes` for every component with a file, in the
///   configuration's order (so editing any rule file or model artifact is a new model version);
/// - `rulesetVersion`: first 16 hex digits of SHA-256(routing YAML bytes).
package struct DecisionConfiguration: Sendable {
    package let scoring: ScoringConfiguration
    package let extractor: FeatureExtractor
    package let ensemble: Ensemble
    package let routing: RoutingRules
    package let modelVersion: String
    package let rulesetVersion: String
    /// The largest audit record the decider writes, in bytes. An event's audit record
    /// is never split: when its `further_decisions` would make it larger, the tail
    /// of that list is left out and `further_truncated` gives how many decisions
    /// and the SHA-256 of what was left out (see ``AuditTruncation``). Runs and
    /// `audit verify` must use the same limit (both take it from the engine
    /// configuration's `audit_max_bytes`).
    package var auditRecordLimit = DecisionConfiguration.defaultAuditRecordLimit
    /// 256 KiB: well under the default `message.max.bytes` (1 MB).
    package static let defaultAuditRecordLimit = 262_144
    /// The audit records' `schema_version` (``AuditSchema``). Runs and `audit verify`
    /// must agree (`audit verify` takes it from the records it verifies).
    package var auditSchema = AuditSchema.v3
    /// The routing records' `schema_version` (``RoutingSchema``). Runs and `audit verify`
    /// must agree (`audit verify --routing-schema-version 1` for a range written before the upgrade).
    package var routingSchema = RoutingSchema.v2
    /// The model's feature list, as audit records (schema_version 3) name it.
    package var featureSet: FeatureSet { FeatureSet(extractor) }

    /// Builds a configuration from bytes; `*Source` names the inputs in errors.
    /// `componentArtifacts` holds, for a `kind: ensemble` model, the file of every
    /// component that has one, by component name (bytes and a name for errors).
    package init(
        scoringYAML: Data, scoringSource: String, modelArtifact: Data, modelSource: String,
        routingYAML: Data, routingSource: String,
        componentArtifacts: [String: (data: Data, source: String)] = [:]
    ) throws {
        let scoring = try ScoringConfiguration.load(yaml: scoringYAML, source: scoringSource)
        let extractor = try FeatureExtractor(scoring)
        let schema = extractor.schema
        var versionBytes = Array(scoringYAML) + [0] + Array(modelArtifact)
        let ensemble: Ensemble
        if scoring.modelKind == "ensemble" {
            var models: [(name: String, model: EnsembleModel, version: String)] = []
            for c in scoring.ensembleComponents {
                if c.kind == .feature {
                    models.append((c.name, .feature(c.reference), c.reference))
                    continue
                }
                guard let file = componentArtifacts[c.name] else {
                    throw DecisionsError(
                        .invalidConfig, "no file given for ensemble component '\(c.name)' (\(c.reference))",
                        file: scoringSource, field: "model.components.\(c.name).artifact")
                }
                versionBytes += [0] + Array(file.data)
                let (model, version) = try Self.loadModel(c.kind, file.data, source: file.source, schema: schema)
                models.append((c.name, model, version))
            }
            ensemble = try Ensemble.load(artifact: modelArtifact, source: modelSource, schema: schema, models: models).ensemble
            // Every configured component must be one the artifact combines: none may be silently unused.
            for c in scoring.ensembleComponents where !ensemble.components.contains(where: { $0.name == c.name }) {
                throw DecisionsError(
                    .invalidConfig,
                    "ensemble component '\(c.name)' is configured but \(modelSource) does not combine it (its components: \(ensemble.components.map(\.name).joined(separator: ", ")))",
                    file: scoringSource, field: "model.components.\(c.name)")
            }
            // The artifact's explanation settings are part of its version; the scoring configuration must agree.
            guard ensemble.topK == scoring.topK else {
                throw DecisionsError(
                    .invalidConfig, "top_k is \(scoring.topK) but \(modelSource) was built with top_k \(ensemble.topK)",
                    file: scoringSource, field: "top_k")
            }
            let hasTrees = ensemble.components.contains { if case .trees = $0.model { return true } else { return false } }
            guard !hasTrees || ensemble.treeExplanation == scoring.treeExplanation else {
                throw DecisionsError(
                    .invalidConfig,
                    "tree_explanation is \(scoring.treeExplanation.rawValue) but \(modelSource) was built with \(ensemble.treeExplanation.rawValue)",
                    file: scoringSource, field: "tree_explanation")
            }
        } else {
            // One propensity model, calibrated by its own artifact's calibration (logistic regression) or the sigmoid.
            let kind: EnsembleComponentSource.Kind =
                scoring.modelKind == "xgboost" ? .xgboost : scoring.modelKind == "lightgbm" ? .lightgbm : .logisticRegression
            let (model, version) = try Self.loadModel(kind, modelArtifact, source: modelSource, schema: schema)
            var calibration = Calibrator.identity(fromMargin: true)
            if case .logistic(let m) = model, let c = m.calibration { calibration = c }
            ensemble = try Ensemble(
                schema: schema, components: [EnsembleComponent(name: "propensity", model: model, weight: 1, modelVersion: version)],
                bias: 0, calibration: calibration, topK: scoring.topK, treeExplanation: scoring.treeExplanation)
        }
        let routing = try RoutingRules.load(yaml: routingYAML, source: routingSource)
        self.scoring = scoring
        self.extractor = extractor
        self.ensemble = ensemble
        self.routing = routing
        self.modelVersion = String(ContentVersion(of: versionBytes).sha256.prefix(16))
        self.rulesetVersion = String(routing.version.sha256.prefix(16))
    }

    /// A model file of `kind` and its version (content hash) as an ensemble records it.
    static func loadModel(
        _ kind: EnsembleComponentSource.Kind, _ data: Data, source: String,
        schema: FeatureSchema
    ) throws -> (EnsembleModel, String) {
        switch kind {
        case .rules:
            let m = try RuleModel.load(yaml: data, source: source, schema: schema)
            return (.rules(m), m.version.sha256)
        case .logisticRegression:
            let (trained, v) = try LogisticRegression.load(artifact: data, source: source)
            // A regression trained on an earlier, smaller catalogue still loads.
            let missing = schema.missing(trained.schema.names)
            guard missing.isEmpty, let m = trained.embedded(in: schema) else {
                throw DecisionsError(
                    .schemaMismatch, "model features \(missing) are not in the feature catalogue of the scoring configuration",
                    file: source, field: "features")
            }
            return (.logistic(m), v.sha256)
        case .xgboost:
            let m = try TreeEnsemble.loadXGBoost(json: data, source: source, schema: schema)
            return (.trees(m), m.version.sha256)
        case .lightgbm:
            let m = try TreeEnsemble.loadLightGBM(json: data, source: source, schema: schema)
            return (.trees(m), m.version.sha256)
        case .feature:
            throw DecisionsError(.invalidConfig, "a feature component has no model file", file: source)
        }
    }

    /// The bytes of a configuration or model file.
    /// - Throws: `invalidConfig` naming the file when it cannot be read.
    package static func readFile(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw DecisionsError(.invalidConfig, "cannot read file: \(error.localizedDescription)", file: url.path)
        }
    }

    /// Loads from files: the scoring configuration (its `model.artifact` and an
    /// ensemble's component files are resolved relative to the configuration's
    /// directory) and the routing rules.
    package static func load(scoringConfig: URL, routingRules: URL) throws -> DecisionConfiguration {
        let read = readFile
        let scoringData = try read(scoringConfig)
        let scoring = try ScoringConfiguration.load(yaml: scoringData, source: scoringConfig.path)
        let directory = scoringConfig.deletingLastPathComponent()
        let artifactURL = URL(fileURLWithPath: scoring.modelArtifact, relativeTo: directory)
        var components: [String: (data: Data, source: String)] = [:]
        for c in scoring.ensembleComponents where c.kind != .feature {
            let url = URL(fileURLWithPath: c.reference, relativeTo: directory)
            components[c.name] = (try read(url), url.path)
        }
        return try DecisionConfiguration(
            scoringYAML: scoringData, scoringSource: scoringConfig.path,
            modelArtifact: try read(artifactURL), modelSource: artifactURL.path,
            routingYAML: try read(routingRules), routingSource: routingRules.path,
            componentArtifacts: components)
    }
}

extension DecisionConfiguration {
    /// This configuration with the routing rules of `routingYAML` instead of its own
    /// (a rule-set switch): the same model and `modelVersion`, the new rules'
    /// `rulesetVersion`, the same audit record limit.
    /// - Throws: the rules' loading error (`invalidConfig` naming `routingSource`).
    package func routed(by routingYAML: Data, routingSource: String) throws -> DecisionConfiguration {
        try DecisionConfiguration(self, routing: RoutingRules.load(yaml: routingYAML, source: routingSource))
    }

    private init(_ base: DecisionConfiguration, routing: RoutingRules) {
        scoring = base.scoring
        extractor = base.extractor
        ensemble = base.ensemble
        self.routing = routing
        modelVersion = base.modelVersion
        rulesetVersion = String(routing.version.sha256.prefix(16))
        auditRecordLimit = base.auditRecordLimit
        auditSchema = base.auditSchema
        routingSchema = base.routingSchema
    }
}
