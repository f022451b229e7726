import Foundation
import LeadLedgerCore

/// The local cache of registered models (`--model-store`, by default
/// `<state directory>/models`): one directory per version with its
/// `manifest.json` and its files, and the registered rule sets as
/// `rulesets/<ruleset_version>.json` (their registry records). Only a cache:
/// the registry topic is the source, and every file read back is checked
/// against its manifest or record.
package struct ModelStore: Sendable {
    /// The cache directory.
    package let directory: URL

    /// A store in `directory` (created on the first save).
    package init(directory: URL) { self.directory = directory }

    /// The default store of a state directory.
    package static func defaultDirectory(stateDirectory: String) -> String {
        URL(fileURLWithPath: stateDirectory).appendingPathComponent("models").path
    }

    func versionDirectory(_ version: String) -> URL { directory.appendingPathComponent(version, isDirectory: true) }

    /// The file name of a bundle role (`component:fit` → `component-fit`).
    static func fileName(_ role: String) -> String {
        String(
            role.map { c -> Character in
                c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "." || c == "-") ? c : "-"
            })
    }

    /// Saves a version (replacing what the cache held for it).
    package func save(_ manifest: ModelManifest, _ bundle: ModelBundle) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        let staging = directory.appendingPathComponent(".staging-\(manifest.modelVersion)-\(UUID().uuidString)", isDirectory: true)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        for file in bundle.files {
            try Data(file.bytes).write(to: staging.appendingPathComponent(Self.fileName(file.role)))
        }
        try Data(manifest.encoded).write(to: staging.appendingPathComponent("manifest.json"))
        let target = versionDirectory(manifest.modelVersion)
        if manager.fileExists(atPath: target.path) { try? manager.removeItem(at: target) }
        do {
            try manager.moveItem(at: staging, to: target)
        } catch {
            // A concurrent save of the same version (partitions restoring at once)
            // placed its copy first: the version's content is the same, so it stands.
            guard manager.fileExists(atPath: target.path) else { throw error }
            try? manager.removeItem(at: staging)
        }
    }

    /// The cached version, checked against its manifest; nil when not cached.
    /// - Throws: ``ModelRegistryError`` `artifact_hash_mismatch` or `invalid_registry_record`.
    package func load(_ version: String) throws -> (manifest: ModelManifest, bundle: ModelBundle)? {
        let folder = versionDirectory(version)
        guard let manifestData = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")) else { return nil }
        let manifest = try ModelManifest(bytes: Array(manifestData), context: folder.path)
        var files: [ModelBundle.File] = []
        for artifact in manifest.artifacts {
            let url = folder.appendingPathComponent(Self.fileName(artifact.role))
            guard let data = try? Data(contentsOf: url) else {
                throw ModelRegistryError(.artifactHashMismatch, context: url.path, "the cached artifact is missing")
            }
            try manifest.verify(artifact, bytes: Array(data))
            files.append(ModelBundle.File(role: artifact.role, source: artifact.source, bytes: Array(data)))
        }
        return (manifest, ModelBundle(files: files))
    }

    /// The cached model versions, sorted.
    package func versions() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { ControlEvent.isModelVersion($0) }.sorted()
    }

    /// The directory of cached rule sets.
    var ruleSetDirectory: URL { directory.appendingPathComponent("rulesets", isDirectory: true) }

    /// Saves a rule set's registry record (replacing what the cache held for it).
    package func saveRuleSet(_ record: RuleSetRecord) throws {
        try FileManager.default.createDirectory(at: ruleSetDirectory, withIntermediateDirectories: true)
        let file = ruleSetDirectory.appendingPathComponent("\(record.rulesetVersion).json")
        try Data(record.encoded).write(to: file, options: .atomic)
    }

    /// The cached rule set, checked against its record; nil when not cached.
    /// - Throws: ``ModelRegistryError`` `artifact_hash_mismatch` or `invalid_registry_record`.
    package func loadRuleSet(_ version: String) throws -> RuleSetRecord? {
        let file = ruleSetDirectory.appendingPathComponent("\(version).json")
        guard let data = try? Data(contentsOf: file) else { return nil }
        let record = try RuleSetRecord(bytes: Array(data), context: file.path)
        guard record.rulesetVersion == version else {
            throw ModelRegistryError(.invalidRecord, context: file.path, "the file holds rule set \(record.rulesetVersion)")
        }
        return record
    }
}
