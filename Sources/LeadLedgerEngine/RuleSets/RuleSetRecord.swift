import Kafka
import LeadLedgerCore
import LeadLedgerDecisions

/// One registered rule set (a routing YAML file) on the registry topic.
///
/// A rule set is named by the `ruleset_version` every decision already carries:
/// the first 16 hex digits of the SHA-256 of the file's bytes. It is one record
/// on the compacted registry topic (`leadledger.models`), key `ruleset/<version>`,
/// header `ll-registry: ruleset`, whose value is this canonical JSON object:
/// `schema_version`, `ruleset_version`, `source` (the file name), `size`,
/// `sha256`, `created_at`, `created_by` and `routing_yaml` (the file's text).
/// Readers of models skip it (they read `manifest` records only).
package struct RuleSetRecord: Sendable, Equatable {
    /// The record format version.
    package static let schemaVersion = 1
    /// The key prefix of rule-set records.
    package static let keyPrefix = "ruleset/"
    /// The `ll-registry` header value of rule-set records.
    package static let headerValue = "ruleset"
    /// The largest routing file registered (one record, well under a broker's default 1 MB).
    package static let maxBytes = 512 * 1024

    package var rulesetVersion: String
    package var source: String
    package var yaml: [UInt8]
    package var createdAt: String
    package var createdBy: String

    /// The SHA-256 of the file (64 hex digits).
    package var sha256: String { ContentVersion(of: yaml).sha256 }

    /// A record of `yaml`, whose version is the content hash of its bytes.
    /// - Throws: ``ModelRegistryError`` `invalid_ruleset` when the file is too large or not UTF-8 text.
    package init(yaml: [UInt8], source: String, createdAt: String, createdBy: String) throws {
        guard yaml.count <= Self.maxBytes else {
            throw ModelRegistryError(
                .invalidRuleSet, context: source, "a rule set is at most \(Self.maxBytes) bytes, this one \(yaml.count)")
        }
        guard String(validating: yaml, as: UTF8.self) != nil else {
            throw ModelRegistryError(.invalidRuleSet, context: source, "a routing file is UTF-8 text")
        }
        self.yaml = yaml
        self.source = source
        self.createdAt = createdAt
        self.createdBy = createdBy
        rulesetVersion = String(ContentVersion(of: yaml).sha256.prefix(16))
    }

    /// The JSON value.
    package var json: JSONValue {
        .object([
            "schema_version": .int(Self.schemaVersion), "ruleset_version": .string(rulesetVersion), "source": .string(source),
            "size": .int(yaml.count), "sha256": .string(sha256), "created_at": .string(createdAt), "created_by": .string(createdBy),
            "routing_yaml": .string(String(decoding: yaml, as: UTF8.self)),
        ])
    }

    /// The canonical JSON bytes (the record's value).
    package var encoded: [UInt8] { CanonicalJSON.encode(json, numbers: .roundTrip) }

    /// The registry record.
    package func message(topic: String) -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: topic, partition: 0, key: Array((Self.keyPrefix + rulesetVersion).utf8), value: encoded,
            headers: [KafkaHeader(key: ModelRegistry.header, value: Self.headerValue)])
    }

    /// Decodes a record and checks its text against its size, SHA-256 and version.
    /// - Throws: ``ModelRegistryError`` `invalid_registry_record`, or
    ///   `artifact_hash_mismatch` when the text is not what the record says.
    package init(bytes: [UInt8], context: String) throws {
        func fail(_ reason: String) -> ModelRegistryError { ModelRegistryError(.invalidRecord, context: context, reason) }
        let value: JSONValue
        do { value = try JSONParser.parseReportingOffset(bytes, limits: JSONLimits(maxBytes: 4 << 20), keepingIntegers: true) } catch {
            throw fail("not JSON: \(error)")
        }
        guard case .object(let object) = value else { throw fail("a rule-set record is a JSON object") }
        func string(_ key: String) throws -> String {
            guard case .string(let text) = object[key] else { throw fail("\(key) is missing or not a string") }
            return text
        }
        guard case .int(Self.schemaVersion)? = object["schema_version"] else { throw fail("unknown rule-set schema_version") }
        rulesetVersion = try string("ruleset_version")
        source = try string("source")
        createdAt = try string("created_at")
        createdBy = try string("created_by")
        yaml = Array(try string("routing_yaml").utf8)
        guard case .int(let size)? = object["size"] else { throw fail("size is missing or not an integer") }
        let recorded = try string("sha256")
        guard yaml.count == size, sha256 == recorded, rulesetVersion == String(recorded.prefix(16)) else {
            throw ModelRegistryError(
                .artifactHashMismatch, context: "ruleset \(rulesetVersion)",
                "the routing file has \(yaml.count) bytes with SHA-256 \(sha256); the record says \(size) bytes with SHA-256 \(recorded) for version \(rulesetVersion)"
            )
        }
    }
}
