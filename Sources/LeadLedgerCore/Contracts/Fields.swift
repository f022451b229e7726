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
