/// Why an inbound message (or a canonical log record) was rejected.
///
/// Every rejection carries a stable machine-readable ``Code`` (what goes into
/// `leadledger.dlq` as `error_code`), the JSON path of the offending field
/// when there is one, and a human-readable reason naming that field.
package struct ContractError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable error codes. The raw values are part of the `leadledger.dlq` contract.
    package enum Code: String, Sendable, CaseIterable, Codable {
        /// The bytes are not JSON (syntax error, trailing garbage, empty input).
        case malformedJSON = "malformed_json"
        /// The bytes are not valid UTF-8 (or a `\u` escape encodes a lone surrogate).
        case invalidEncoding = "invalid_encoding"
        /// The message is larger than the configured byte limit; it was not parsed.
        case payloadTooLarge = "payload_too_large"
        /// Arrays/objects are nested deeper than the configured limit; parsing stopped.
        case nestingTooDeep = "nesting_too_deep"
        /// Valid JSON that does not follow the topic's JSON Schema.
        case schemaViolation = "schema_violation"
        /// No usable identifier (email, CRM record id, userId or anonymousId).
        case missingIdentity = "missing_identity"
        /// A timestamp is missing, not RFC 3339 / unix seconds, or not a real instant.
        case invalidTimestamp = "invalid_timestamp"
        /// The event `type` is well-formed but not one this contract handles.
        case unsupportedType = "unsupported_type"
        /// The event is dated further in the future than the engine's allowed clock
        /// skew (`--max-future-skew`); it would move every watermark past real time.
        case timestampOutOfRange = "timestamp_out_of_range"
        /// An output derived from the input is larger than the producer may send
        /// (`message.max.bytes`); the input is referenced, not copied.
        case outputTooLarge = "output_too_large"
        /// A `custom` object of a CRM `lead` or `account` payload breaks its limits: more
        /// than 50 keys, a key not matching `^[A-Za-z][A-Za-z0-9_]{0,63}$`, a string over
        /// 256 bytes, or a value that is not a string, number or boolean.
        case customFieldInvalid = "custom_field_invalid"
        /// A control event names a model version the registry does not hold (or holds broken).
        case unknownModelVersion = "unknown_model_version"
        /// A control event names a rule set the registry does not hold (or holds broken).
        case unknownRuleSetVersion = "unknown_ruleset_version"
    }

    /// The stable error code.
    package var code: Code
    /// JSON path of the offending field (`$.lead.email`, `$[2].timestamp`), or nil for whole-message errors.
    package var field: String?
    /// Human-readable reason; names the field when there is one.
    package var reason: String

    /// Creates an error.
    package init(_ code: Code, field: String? = nil, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// `code: reason (at field)`.
    package var description: String {
        if let field { return "\(code.rawValue): \(reason) (at \(field))" }
        return "\(code.rawValue): \(reason)"
    }
}
