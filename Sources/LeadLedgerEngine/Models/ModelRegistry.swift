import Foundation
import Kafka
import LeadLedgerCore
import Logging

/// The model registry on its compacted topic (`leadledger.models`, one partition).
///
/// A version is written as its artifacts' chunks (key `<version>/<role>/<index>`,
/// header `ll-registry: chunk`, at most ``chunkBytes`` each), then its manifest
/// (key `<version>`, header `ll-registry: manifest`) once every chunk is
/// acknowledged, so a reader that sees a manifest finds its chunks before it.
/// Compression is the producer's (`compression.type`, zstd unless `-X` says
/// otherwise). Keys are distinct per chunk, so compaction keeps every one; a
/// re-registration rewrites the same keys with the same bytes.
package struct ModelRegistry: Sendable {
    /// The registry topic.
    package var topic: String
    /// The largest chunk value this registry writes.
    package var chunkBytes: Int
    /// The default chunk size: well under Kafka's default `message.max.bytes` (1 MB).
    package static let defaultChunkBytes = 512 * 1024
    /// The header naming a record's kind.
    package static let header = "ll-registry"

    /// A registry on `topic`.
    package init(topic: String, chunkBytes: Int = ModelRegistry.defaultChunkBytes) {
        self.topic = topic
        self.chunkBytes = max(1, chunkBytes)
    }

    /// The producer configuration the registry writes with (zstd unless the properties set `compression.type`).
    package static func producerConfiguration(brokers: [String], properties: [String: String], clientID: String)
        -> KafkaProducerConfiguration
    {
        var configuration = KafkaProducerConfiguration(bootstrapServers: brokers, clientID: clientID, properties: properties)
        configuration.compression = .zstd
        return configuration
    }

    /// The records of one version, chunks first and the manifest last.
    package func records(_ manifest: ModelManifest, _ bundle: ModelBundle) -> [KafkaProducerMessage] {
        var messages: [KafkaProducerMessage] = []
        for (artifact, file) in zip(manifest.artifacts, bundle.files) {
            for index in 0..<artifact.chunks {
                let start = index * chunkBytes
                let end = min(file.bytes.count, start + chunkBytes)
                messages.append(
                    KafkaProducerMessage(
                        topic: topic, partition: 0, key: Array("\(manifest.modelVersion)/\(artifact.role)/\(index)".utf8),
                        value: Array(file.bytes[start..<end]), headers: [KafkaHeader(key: Self.header, value: "chunk")]))
            }
        }
        messages.append(
            KafkaProducerMessage(
                topic: topic, partition: 0, key: Array(manifest.modelVersion.utf8), value: manifest.encoded,
                headers: [KafkaHeader(key: Self.header, value: "manifest")]))
        return messages
    }

    /// Writes a version and waits for every acknowledgement.
    package func publish(_ manifest: ModelManifest, _ bundle: ModelBundle, producer: KafkaProducer) async throws {
        let all = records(manifest, bundle)
        for message in all.dropLast() {
            _ = try await producer.send(message)
        }
        if let last = all.last { _ = try await producer.send(last) }
    }

    /// What the registry topic holds: every version whose manifest and chunks
    /// read back intact, and the problem of every version that does not.
    package struct Contents: Sendable {
        /// The intact versions.
        package var versions: [String: (manifest: ModelManifest, bundle: ModelBundle)] = [:]
        /// Versions whose manifest or artifacts are unusable, with why.
        package var broken: [String: ModelRegistryError] = [:]
        /// The registered rule sets (routing files), by `ruleset_version`.
        package var ruleSets: [String: RuleSetRecord] = [:]
        /// Rule sets whose record is unusable, with why.
        package var brokenRuleSets: [String: ModelRegistryError] = [:]
    }

    /// Reads the whole registry topic (partition 0; the latest record of each key wins).
    package func read(reader: LogReader) async throws -> Contents {
        var latest: [String: LogRecord] = [:]
        try await reader.fold(topic: topic, partition: 0, from: 0, to: nil, into: &latest) { latest, record in
            guard let key = record.key else { return }
            latest[String(decoding: key, as: UTF8.self)] = record
        }
        return Self.assemble(latest)
    }

    /// The versions of a key → record map (the registry's compacted view).
    package static func assemble(_ latest: [String: LogRecord]) -> Contents {
        var contents = Contents()
        for (key, record) in latest.sorted(by: { $0.key < $1.key }) {
            let kind = record.headers.first { $0.key == header }?.value.map { String(decoding: $0, as: UTF8.self) }
            if kind == RuleSetRecord.headerValue, key.hasPrefix(RuleSetRecord.keyPrefix) {
                let version = String(key.dropFirst(RuleSetRecord.keyPrefix.count))
                do {
                    let ruleSet = try RuleSetRecord(bytes: record.value, context: "\(record.topic)[\(record.partition)]@\(record.offset)")
                    guard ruleSet.rulesetVersion == version else {
                        throw ModelRegistryError(
                            .invalidRecord, context: key, "the record under key \(key) names rule set \(ruleSet.rulesetVersion)")
                    }
                    contents.ruleSets[version] = ruleSet
                } catch let error as ModelRegistryError {
                    contents.brokenRuleSets[version] = error
                } catch {
                    contents.brokenRuleSets[version] = ModelRegistryError(.invalidRecord, context: key, "\(error)")
                }
                continue
            }
            guard kind == "manifest" else { continue }
            do {
                let manifest = try ModelManifest(bytes: record.value, context: "\(record.topic)[\(record.partition)]@\(record.offset)")
                guard manifest.modelVersion == key else {
                    throw ModelRegistryError(
                        .invalidRecord, context: key, "the manifest under key \(key) names version \(manifest.modelVersion)")
                }
                var files: [ModelBundle.File] = []
                for artifact in manifest.artifacts {
                    var bytes: [UInt8] = []
                    for index in 0..<artifact.chunks {
                        guard let chunk = latest["\(key)/\(artifact.role)/\(index)"] else {
                            throw ModelRegistryError(
                                .artifactHashMismatch, context: "\(key) \(artifact.role)", "chunk \(index) of \(artifact.chunks) is missing"
                            )
                        }
                        bytes += chunk.value
                    }
                    try manifest.verify(artifact, bytes: bytes)
                    files.append(ModelBundle.File(role: artifact.role, source: artifact.source, bytes: bytes))
                }
                contents.versions[key] = (manifest, ModelBundle(files: files))
            } catch let error as ModelRegistryError {
                contents.broken[key] = error
            } catch {
                contents.broken[key] = ModelRegistryError(.invalidRecord, context: key, "\(error)")
            }
        }
        return contents
    }
}
