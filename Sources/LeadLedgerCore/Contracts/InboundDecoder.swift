/// Decodes raw Kafka message bytes of the three inbound topics into typed
/// ``InboundEvent``s, or rejects them with a ``ContractError``.
///
/// The decoders accept exactly what the JSON Schemas in `schemas/` accept
/// (tests check this on every fixture with an independent validator), with
/// one documented addition: timestamps that match the RFC 3339 pattern but
/// name an impossible date (Feb 30) are rejected as `invalid_timestamp`.
/// Fields the contract does not constrain are ignored, so producers may send
/// extra fields.
package struct InboundDecoder: Sendable {
    /// Size and nesting limits applied before/during parsing.
    package var limits: JSONLimits

    /// Creates a decoder.
    package init(limits: JSONLimits = JSONLimits()) { self.limits = limits }

    /// Decodes one message of `topic`. A SendGrid batch array yields several events;
    /// if any element is invalid the whole message is rejected (it goes to the DLQ whole).
    package func decode(topic: InboundTopic, bytes: [UInt8]) throws(ContractError) -> [InboundEvent] {
        let value = try JSONParser.parse(bytes, limits: limits)
        switch topic {
        case .crm: return [.crm(try CRMDecoder.decode(value))]
        case .web: return [.web(try SegmentDecoder.decode(value))]
        case .email: return try SendGridDecoder.decode(value).map { .email($0) }
        }
    }
}

/// Path-aware typed access to one JSON object, mirroring JSON Schema type rules.
package struct Fields {
    package let obj: JSONObject
    package let path: String

    package init(_ value: JSONValue, path: String) throws(ContractError) {
        guard case .object(let o) = value else {
            throw ContractError(.schemaViolation, field: path, "\(path) must be an object, got \(value.typeName)")
        }
        self.obj = o
        self.path = path
    }

    package init(object: JSONObject, path: String) {
        self.obj = object
        self.path = path
    }

    package func p(_ key: String) -> String { "\(path).\(key)" }

    package func violation(_ key: String, _ what: String) -> ContractError {
        ContractError(.schemaViolation, field: p(key), "\(p(key)) \(what)")
    }

    /// Required string (schema: `type: string`, in `required`).
    package func requiredString(_ key: String, nonEmpty: Bool = false, code: ContractError.Code = .schemaViolation) throws(ContractError)
        -> String
    {
        guard let v = obj[key] else { throw ContractError(code, field: p(key), "required field \(p(key)) is missing") }
        guard case .string(let s) = v else { throw violation(key, "must be a string, got \(v.typeName)") }
        if nonEmpty && s.isEmpty { throw ContractError(code, field: p(key), "\(p(key)) must not be empty") }
        return s
    }

    /// Optional string or null (schema: `type: [string, null]`).
    package func string(_ key: String) throws(ContractError) -> String? {
        switch obj[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let v?: throw violation(key, "must be a string or null, got \(v.typeName)")
        }
    }

    /// Optional string, number or null: numbers become their canonical text.
    package func stringOrInteger(_ key: String) throws(ContractError) -> String? {
        switch obj[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case .number(let d)? where d == d.rounded(): return CanonicalJSON.formatNumber(d)
        case let v?: throw violation(key, "must be a string, an integer or null, got \(v.typeName)")
        }
    }

    /// Optional integer (schema: `type: [integer, null]`, `minimum: 0`).
    package func nonNegativeInteger(_ key: String) throws(ContractError) -> Int? {
        switch obj[key] {
        case nil, .null?: return nil
        case .number(let d)?:
            guard d == d.rounded() else { throw violation(key, "must be an integer") }
            guard d >= 0 else { throw violation(key, "must be >= 0") }
            guard d < 9.2e18 else { throw violation(key, "is too large") }
            return Int(d)
        case let v?: throw violation(key, "must be an integer or null, got \(v.typeName)")
        }
    }

    /// Optional number (schema: `type: [number, null]`, `minimum: 0`).
    package func nonNegativeNumber(_ key: String) throws(ContractError) -> Double? {
        switch obj[key] {
        case nil, .null?: return nil
        case .number(let d)?:
            guard d >= 0 else { throw violation(key, "must be >= 0") }
            return d
        case let v?: throw violation(key, "must be a number or null, got \(v.typeName)")
        }
    }

    /// Optional boolean (schema: `type: [boolean, null]`).
    package func bool(_ key: String) throws(ContractError) -> Bool? {
        switch obj[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let v?: throw violation(key, "must be a boolean or null, got \(v.typeName)")
        }
    }

    /// Optional object (schema: `type: [object, null]`).
    package func object(_ key: String) throws(ContractError) -> Fields? {
        switch obj[key] {
        case nil, .null?: return nil
        case .object(let o)?: return Fields(object: o, path: p(key))
        case let v?: throw violation(key, "must be an object or null, got \(v.typeName)")
        }
    }

    /// Required object.
    package func requiredObject(_ key: String) throws(ContractError) -> Fields {
        guard let v = obj[key] else { throw ContractError(.schemaViolation, field: p(key), "required object \(p(key)) is missing") }
        guard case .object(let o) = v else { throw violation(key, "must be an object, got \(v.typeName)") }
        return Fields(object: o, path: p(key))
    }

    /// Required RFC 3339 timestamp string.
    package func requiredTimestamp(_ key: String) throws(ContractError) -> EventTime {
        guard let v = obj[key] else {
            throw ContractError(.invalidTimestamp, field: p(key), "required timestamp \(p(key)) is missing")
        }
        guard case .string(let s) = v else {
            throw ContractError(.invalidTimestamp, field: p(key), "\(p(key)) must be an RFC 3339 string, got \(v.typeName)")
        }
        guard let t = EventTime.parseRFC3339(s) else {
            throw ContractError(.invalidTimestamp, field: p(key), "\(p(key)) is not an RFC 3339 date-time: \(s.prefix(40))")
        }
        return t
    }

    /// Optional email-shaped string (schema pattern ``EmailShape/pattern``, or with
    /// `trimming` ``EmailShape/trimmingPattern``: surrounding whitespace, as CRM
    /// exports send it, is accepted and removed from the returned value).
    package func email(_ key: String, required: Bool, trimming: Bool = false) throws(ContractError) -> String? {
        var s: String?
        if required {
            s = try requiredString(key, code: .missingIdentity)
        } else {
            s = try string(key)
        }
        if trimming, let raw = s { s = EmailShape.trimmed(raw) }
        if let s, !EmailShape.matches(s) {
            throw ContractError(.schemaViolation, field: p(key), "\(p(key)) is not an email address")
        }
        // The resolver keys people by the normalized mailbox: an address the
        // normalizer cannot normalize (e.g. `..` in the local part, a bad host)
        // would leave an event without any identity, so it is rejected here,
        // with its field named, and goes to the dead-letter topic.
        if let s, !EmailNormalizer().accepts(s) {
            throw ContractError(.schemaViolation, field: p(key), "\(p(key)) is not an email address that can be normalized")
        }
        return s
    }
}

/// The loose email shape every contract requires where an email is an
/// identity: `^[^@\s]+@[^@\s]+\.[^@\s]+$(?!\n)`, i.e. one `@`, no whitespace,
/// a dot inside the domain. Stricter checks happen in ``EmailNormalizer``.
package enum EmailShape {
    /// The JSON Schema pattern, identical in the schema files.
    package static let pattern = #"^[^@\s]+@[^@\s]+\.[^@\s]+$(?!\n)"#

    /// The pattern of CRM email fields (`crm.events.schema.json`): ``pattern``
    /// with surrounding whitespace allowed. CRM exports often pad addresses;
    /// the decoder removes the padding (``trimmed(_:)``) before any other check.
    package static let trimmingPattern = #"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$(?!\n)"#

    /// `s` without leading and trailing whitespace as ``pattern``'s `\s` reads
    /// it (Unicode White_Space plus U+001C–U+001F).
    package static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return s }
        return String(scalars[first...last])
    }

    @inline(__always) static func isSpace(_ u: Unicode.Scalar) -> Bool {
        u.properties.isWhitespace || (0x1C...0x1F).contains(u.value)
    }

    /// Whether `s` matches ``pattern`` (Python `\s` semantics: Unicode White_Space plus U+001C–U+001F).
    package static func matches(_ s: String) -> Bool {
        var at = -1
        var count = 0
        var dots: [Int] = []
        for (i, u) in s.unicodeScalars.enumerated() {
            if isSpace(u) { return false }
            if u == "@" {
                if at >= 0 { return false }
                at = i
            } else if u == ".", at >= 0 {
                dots.append(i - at - 1)
            }
            count = i + 1
        }
        guard at > 0 else { return false }
        let domainLength = count - at - 1
        return dots.contains { $0 >= 1 && $0 <= domainLength - 2 }
    }
}
