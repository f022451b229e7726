import Foundation
import LeadLedgerCore
import LeadLedgerDecisions

/// What the registry says about one model version (schemas/leadledger.models.schema.json):
/// its kind and components, the features it reads with their declared directions,
/// what it was trained on and how it did when known, baseline distributions when
/// present, who registered it and when, and its artifacts with their sizes,
/// SHA-256 and chunk counts on the registry topic.
///
/// Training, metrics and baselines are kept as the JSON objects the trainer wrote
/// (their content is the trainer's contract, not the registry's).
package struct ModelManifest: Sendable, Equatable {
    /// One component of the model.
    package struct Component: Sendable, Equatable {
        package var name: String
        package var kind: String
        package var version: String
        package var weight: Double
    }

    /// One feature the model reads.
    package struct Feature: Sendable, Equatable {
        package var name: String
        package var direction: String
        /// What it means (nil in manifests registered before audit schema_version 3).
        package var meaning: String?
    }

    /// One artifact (a file of the bundle).
    package struct Artifact: Sendable, Equatable {
        package var role: String
        package var source: String
        package var size: Int
        package var sha256: String
        package var chunks: Int
    }

    /// The manifest format version.
    package static let schemaVersion = 1

    package var modelVersion: String
    package var kind: String
    package var components: [Component]
    package var features: [Feature]
    /// The `feature_set` the model's audit records (schema_version 3) name (nil in
    /// manifests registered before it): the feature names in order, published once
    /// per version so that records need not repeat them.
    package var featureSet: String?
    package var training: JSONValue?
    package var metrics: JSONValue?
    package var baselines: JSONValue?
    package var artifacts: [Artifact]
    package var createdAt: String
    package var createdBy: String

    /// The manifest of `bundle`, whose loaded configuration is `configuration`,
    /// with artifacts chunked into pieces of at most `chunkBytes`.
    package init(
        bundle: ModelBundle, configuration: DecisionConfiguration, chunkBytes: Int, training: JSONValue?, metrics: JSONValue?,
        baselines: JSONValue?, createdAt: String, createdBy: String
    ) {
        modelVersion = configuration.modelVersion
        kind = configuration.scoring.modelKind
        components = configuration.ensemble.components.map {
            Component(name: $0.name, kind: Self.kindName($0.model), version: $0.modelVersion, weight: $0.weight)
        }
        features = configuration.extractor.definitions.map {
            Feature(name: $0.name, direction: $0.direction.rawValue, meaning: $0.meaning)
        }
        featureSet = configuration.featureSet.id
        self.training = training
        self.metrics = metrics
        self.baselines = baselines
        artifacts = bundle.files.map {
            Artifact(
                role: $0.role, source: $0.source, size: $0.bytes.count, sha256: ContentVersion(of: $0.bytes).sha256,
                chunks: max(1, ($0.bytes.count + chunkBytes - 1) / chunkBytes))
        }
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    static func kindName(_ model: EnsembleModel) -> String {
        switch model {
        case .rules: "rules"
        case .logistic: "logistic_regression"
        case .trees: "trees"
        case .feature: "feature"
        }
    }

    /// The JSON value.
    package var json: JSONValue {
        func optional(_ value: JSONValue?) -> JSONValue { value ?? .null }
        let componentValues: [JSONValue] = components.map {
            .object([
                "name": .string($0.name), "kind": .string($0.kind), "version": .string($0.version), "weight": .number($0.weight),
            ])
        }
        let featureValues: [JSONValue] = features.map { f in
            var members: JSONObject = ["name": .string(f.name), "direction": .string(f.direction)]
            if let meaning = f.meaning { members.members.append(.init("meaning", .string(meaning))) }
            return .object(members)
        }
        let artifactValues: [JSONValue] = artifacts.map {
            .object([
                "role": .string($0.role), "source": .string($0.source), "size": .int($0.size), "sha256": .string($0.sha256),
                "chunks": .int($0.chunks),
            ])
        }
        var members: JSONObject = [
            "schema_version": .int(Self.schemaVersion), "model_version": .string(modelVersion), "kind": .string(kind),
            "components": .array(componentValues), "features": .array(featureValues), "training": optional(training),
            "metrics": optional(metrics), "baselines": optional(baselines), "artifacts": .array(artifactValues),
            "created_at": .string(createdAt), "created_by": .string(createdBy),
        ]
        if let featureSet { members.members.append(.init("feature_set", .string(featureSet))) }
        return .object(members)
    }

    /// The canonical JSON bytes (the registry record's value and the cached `manifest.json`).
    package var encoded: [UInt8] { CanonicalJSON.encode(json, numbers: .roundTrip) }

    /// Decodes a manifest.
    /// - Throws: ``ModelRegistryError`` `invalid_registry_record`.
    package init(bytes: [UInt8], context: String) throws {
        func fail(_ reason: String) -> ModelRegistryError { ModelRegistryError(.invalidRecord, context: context, reason) }
        let value: JSONValue
        do { value = try JSONParser.parseReportingOffset(bytes, limits: JSONLimits(maxBytes: 64 << 20), keepingIntegers: true) } catch {
            throw fail("not JSON: \(error)")
        }
        guard case .object(let object) = value else { throw fail("a manifest is a JSON object") }
        func string(_ object: JSONObject, _ key: String) throws -> String {
            guard case .string(let text) = object[key] else { throw fail("\(key) is missing or not a string") }
            return text
        }
        func int(_ object: JSONObject, _ key: String) throws -> Int {
            switch object[key] {
            case .int(let i): return i
            case .number(let d) where d == d.rounded(): return Int(d)
            default: throw fail("\(key) is missing or not an integer")
            }
        }
        func number(_ object: JSONObject, _ key: String) throws -> Double {
            switch object[key] {
            case .int(let i): return Double(i)
            case .number(let d): return d
            default: throw fail("\(key) is missing or not a number")
            }
        }
        func objects(_ key: String) throws -> [JSONObject] {
            guard case .array(let items) = object[key] else { throw fail("\(key) is missing or not an array") }
            return try items.map { item in
                guard case .object(let o) = item else { throw fail("\(key) holds a non-object") }
                return o
            }
        }
        func optional(_ key: String) -> JSONValue? {
            guard let v = object[key], v != .null else { return nil }
            return v
        }
        guard try int(object, "schema_version") == Self.schemaVersion else { throw fail("unknown manifest schema_version") }
        modelVersion = try string(object, "model_version")
        kind = try string(object, "kind")
        components = try objects("components").map {
            Component(
                name: try string($0, "name"), kind: try string($0, "kind"), version: try string($0, "version"),
                weight: try number($0, "weight"))
        }
        features = try objects("features").map {
            var meaning: String?
            if case .string(let text)? = $0["meaning"] { meaning = text }
            return Feature(name: try string($0, "name"), direction: try string($0, "direction"), meaning: meaning)
        }
        if case .string(let id)? = object["feature_set"] { featureSet = id }
        artifacts = try objects("artifacts").map {
            Artifact(
                role: try string($0, "role"), source: try string($0, "source"), size: try int($0, "size"), sha256: try string($0, "sha256"),
                chunks: try int($0, "chunks"))
        }
        training = optional("training")
        metrics = optional("metrics")
        baselines = optional("baselines")
        createdAt = try string(object, "created_at")
        createdBy = try string(object, "created_by")
    }

    /// Checks `bytes` against the artifact's size and SHA-256.
    /// - Throws: ``ModelRegistryError`` `artifact_hash_mismatch`.
    package func verify(_ artifact: Artifact, bytes: [UInt8]) throws {
        let digest = ContentVersion(of: bytes).sha256
        guard bytes.count == artifact.size, digest == artifact.sha256 else {
            throw ModelRegistryError(
                .artifactHashMismatch, context: "\(modelVersion) \(artifact.role)",
                "the artifact has \(bytes.count) bytes with SHA-256 \(digest); the manifest says \(artifact.size) bytes with SHA-256 \(artifact.sha256)"
            )
        }
    }
}
