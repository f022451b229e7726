/// A `leadledger.dlq` record (`schemas/leadledger.dlq.schema.json`): an input
/// that could not be accepted, where it came from, the stable error code and the
/// reason. Nothing that arrives is dropped.
///
/// Two forms:
/// - the copy (`schema_version` 1): the original bytes themselves, in base64;
/// - the reference (`schema_version` 2), for an original too large to copy into a
///   Kafka record: its size, SHA-256 and first bytes. The original stays at its
///   source coordinates, and the digest tells whoever reads it back that it is the
///   same message.
package struct DeadLetter: Sendable, Equatable {
    /// Which stage rejected the input.
    package enum Stage: String, Sendable, Codable {
        case resolve, materialize
    }

    /// What the record carries of the original.
    package enum Original: Sendable, Equatable {
        /// The bytes (`original_base64`).
        case copy([UInt8])
        /// A reference to bytes left in their source topic.
        case reference(Reference)
    }

    /// The reference form's description of an original: enough to find it at its
    /// source coordinates and to check that what is found there is it.
    package struct Reference: Sendable, Equatable {
        /// The original's length in bytes (`original_size`).
        package var size: Int
        /// Lower-case hex SHA-256 of the original (`original_sha256`).
        package var sha256: String
        /// The first bytes of the original, at most `DeadLetter.referencePrefixBytes` (`original_prefix_base64`).
        package var prefix: [UInt8]

        /// Describes `bytes`, whose SHA-256 (lower-case hex) is `sha256`. The caller
        /// computes the digest: this module has no hash of its own.
        package init(of bytes: [UInt8], sha256: String) {
            self.size = bytes.count
            self.sha256 = sha256
            self.prefix = Array(bytes.prefix(DeadLetter.referencePrefixBytes))
        }
    }

    /// Largest original copied into a record; a larger one is referenced. A copy
    /// costs 4/3 of the original in base64, so this keeps copy records well below
    /// Kafka's default `message.max.bytes` (1,000,000).
    package static let maxCopiedBytes = 512 * 1024
    /// How many leading bytes of an original a reference carries.
    package static let referencePrefixBytes = 1024
    /// Largest key a reference carries (`original_key_base64`); a larger key is left
    /// out, like the original, and stays in the source topic.
    package static let maxReferencedKeyBytes = 4096

    package var original: Original
    package var originalKey: [UInt8]?
    package var source: SourcePosition
    package var error: ContractError
    package var stage: Stage

    /// Creates a record that copies the original.
    package init(original: [UInt8], originalKey: [UInt8]? = nil, source: SourcePosition, error: ContractError, stage: Stage = .resolve) {
        self.init(original: .copy(original), originalKey: originalKey, source: source, error: error, stage: stage)
    }

    /// Creates a record of either form.
    package init(original: Original, originalKey: [UInt8]? = nil, source: SourcePosition, error: ContractError, stage: Stage = .resolve) {
        self.original = original
        self.originalKey = originalKey
        self.source = source
        self.error = error
        self.stage = stage
    }

    /// The record as JSON.
    package var json: JSONValue {
        var members: [JSONObject.Member] = []
        switch original {
        case .copy(let bytes):
            members.append(.init("schema_version", .number(1)))
            members.append(.init("original_base64", .string(Base64.encode(bytes))))
        case .reference(let reference):
            members.append(.init("schema_version", .number(2)))
            members.append(.init("original_size", .number(Double(reference.size))))
            members.append(.init("original_sha256", .string(reference.sha256)))
            members.append(.init("original_prefix_base64", .string(Base64.encode(reference.prefix))))
        }
        members += [
            .init(
                "source",
                .object(
                    JSONObject([
                        .init("topic", .string(source.topic)),
                        .init("partition", .number(Double(source.partition))),
                        .init("offset", .number(Double(source.offset))),
                    ]))),
            .init("error_code", .string(error.code.rawValue)),
            .init("field", error.field.map { .string($0) } ?? .null),
            .init("reason", .string(error.reason.isEmpty ? error.code.rawValue : error.reason)),
            .init("stage", .string(stage.rawValue)),
        ]
        if let key = originalKey, Self.carriesKey(key, original: original) {
            members.append(.init("original_key_base64", .string(Base64.encode(key))))
        }
        return .object(JSONObject(members))
    }

    private static func carriesKey(_ key: [UInt8], original: Original) -> Bool {
        if case .reference = original { return key.count <= maxReferencedKeyBytes }
        return true
    }

    /// The record's bytes (canonical JSON), the value to produce to `leadledger.dlq`.
    package var encoded: [UInt8] { CanonicalJSON.encode(json) }

    /// Reads a `leadledger.dlq` record of either form back (the inverse of ``encoded``).
    /// - Throws: `schema_violation` naming the member that is missing or malformed.
    package init(bytes: [UInt8]) throws(ContractError) {
        let f = try Fields.record(bytes)
        let version = try f.requiredNonNegativeInteger("schema_version")
        switch version {
        case 1:
            guard let bytes = Base64.decode(try f.requiredString("original_base64")) else {
                throw f.violation("original_base64", "is not base64")
            }
            original = .copy(bytes)
        case 2:
            guard let prefix = Base64.decode(try f.requiredString("original_prefix_base64")) else {
                throw f.violation("original_prefix_base64", "is not base64")
            }
            var reference = Reference(of: prefix, sha256: try f.requiredString("original_sha256"))
            reference.size = try f.requiredNonNegativeInteger("original_size")
            original = .reference(reference)
        default:
            throw f.violation("schema_version", "is \(version); this build reads 1 and 2")
        }
        if let key = try f.string("original_key_base64") {
            guard let bytes = Base64.decode(key) else { throw f.violation("original_key_base64", "is not base64") }
            originalKey = bytes
        } else {
            originalKey = nil
        }
        let s = try f.requiredObject("source")
        guard let partition = Int32(exactly: try s.requiredNonNegativeInteger("partition")) else {
            throw s.violation("partition", "is out of range")
        }
        source = SourcePosition(
            topic: try s.requiredString("topic"), partition: partition, offset: Int64(try s.requiredNonNegativeInteger("offset")))
        let codeText = try f.requiredString("error_code")
        guard let code = ContractError.Code(rawValue: codeText) else {
            throw f.violation("error_code", "'\(codeText)' is not an error code")
        }
        error = ContractError(code, field: try f.string("field"), try f.requiredString("reason"))
        let stageText = try f.requiredString("stage")
        guard let stage = Stage(rawValue: stageText) else { throw f.violation("stage", "'\(stageText)' is not a stage") }
        self.stage = stage
    }
}
