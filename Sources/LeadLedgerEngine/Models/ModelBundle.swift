import Foundation
import LeadLedgerDecisions

/// The files of one model version, by role: the scoring configuration, the
/// model artifact it names, and the file of every ensemble component that has
/// one. The version is ``DecisionConfiguration/modelVersion`` of these bytes;
/// file paths play no part in it, so a bundle read from the registry gives the
/// same version as the directory it was registered from.
package struct ModelBundle: Sendable, Equatable {
    /// One file of a bundle.
    package struct File: Sendable, Equatable {
        /// The role: `scoring`, `artifact` or `component:<name>`.
        package var role: String
        /// The path the scoring configuration names it by (for people; not part of the version).
        package var source: String
        /// The content.
        package var bytes: [UInt8]

        /// Creates a file.
        package init(role: String, source: String, bytes: [UInt8]) {
            self.role = role
            self.source = source
            self.bytes = bytes
        }
    }

    /// The role of the scoring configuration.
    package static let scoringRole = "scoring"
    /// The role of the model artifact.
    package static let artifactRole = "artifact"
    /// The role prefix of an ensemble component's file.
    package static let componentPrefix = "component:"

    /// The files: scoring, artifact, then components in configuration order.
    package var files: [File]

    /// Creates a bundle.
    package init(files: [File]) { self.files = files }

    /// The file with `role`.
    package func file(_ role: String) -> File? { files.first { $0.role == role } }

    /// Reads the scoring configuration at `scoringFile` and the files it names
    /// (relative to its directory).
    /// - Throws: ``ModelRegistryError`` `invalid_model` naming the file.
    package static func load(scoringFile: URL) throws -> ModelBundle {
        func read(_ url: URL) throws -> [UInt8] {
            do { return Array(try Data(contentsOf: url)) } catch {
                throw ModelRegistryError(.invalidModel, context: url.path, "cannot read: \(error.localizedDescription)")
            }
        }
        let scoringBytes = try read(scoringFile)
        let scoring: ScoringConfiguration
        do {
            scoring = try ScoringConfiguration.load(yaml: Data(scoringBytes), source: scoringFile.path)
        } catch {
            throw ModelRegistryError(.invalidModel, context: scoringFile.path, "\(error)")
        }
        let directory = scoringFile.deletingLastPathComponent()
        var files = [File(role: scoringRole, source: scoringFile.lastPathComponent, bytes: scoringBytes)]
        let artifact = URL(fileURLWithPath: scoring.modelArtifact, relativeTo: directory)
        files.append(File(role: artifactRole, source: scoring.modelArtifact, bytes: try read(artifact)))
        for component in scoring.ensembleComponents where component.kind != .feature {
            let url = URL(fileURLWithPath: component.reference, relativeTo: directory)
            files.append(File(role: componentPrefix + component.name, source: component.reference, bytes: try read(url)))
        }
        return ModelBundle(files: files)
    }

    /// The decision configuration of this model with the routing rules given.
    /// - Throws: ``ModelRegistryError`` `invalid_model` when the files do not load.
    package func configuration(
        routingYAML: Data, routingSource: String, auditRecordLimit: Int, auditSchema: AuditSchema,
        routingSchema: RoutingSchema
    ) throws -> DecisionConfiguration {
        guard let scoring = file(Self.scoringRole), let artifact = file(Self.artifactRole) else {
            throw ModelRegistryError(.invalidModel, context: "bundle", "a model needs a scoring configuration and a model artifact")
        }
        var components: [String: (data: Data, source: String)] = [:]
        for file in files where file.role.hasPrefix(Self.componentPrefix) {
            components[String(file.role.dropFirst(Self.componentPrefix.count))] = (Data(file.bytes), file.source)
        }
        do {
            var configuration = try DecisionConfiguration(
                scoringYAML: Data(scoring.bytes), scoringSource: scoring.source, modelArtifact: Data(artifact.bytes),
                modelSource: artifact.source, routingYAML: routingYAML, routingSource: routingSource, componentArtifacts: components)
            configuration.auditRecordLimit = auditRecordLimit
            configuration.auditSchema = auditSchema
            configuration.routingSchema = routingSchema
            return configuration
        } catch {
            throw ModelRegistryError(.invalidModel, context: scoring.source, "\(error)")
        }
    }
}
