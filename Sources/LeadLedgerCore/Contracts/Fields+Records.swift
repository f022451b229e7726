/// Reading the service's own output records (routing, audit) back into typed
/// values: the same parser and path-aware access as the inbound contracts, plus
/// the shapes those records use (required numbers and flags, arrays of objects).
extension Fields {
    /// Limits for reading an output record back: no byte limit (a record is
    /// already bounded by the topic's `message.max.bytes`), the parser's depth limit.
    package static let recordLimits = JSONLimits(maxBytes: .max)

    /// The top-level object of one record's bytes (path `$`).
    package static func record(_ bytes: [UInt8]) throws(ContractError) -> Fields {
        try Fields(try JSONParser.parse(bytes, limits: recordLimits), path: "$")
    }

    /// Required number (schema: `type: number`).
    package func requiredNumber(_ key: String) throws(ContractError) -> Double {
        guard let d = try number(key) else { throw ContractError(.schemaViolation, field: p(key), "required number \(p(key)) is missing") }
        return d
    }

    /// Optional number or null (schema: `type: [number, null]`), any sign.
    package func number(_ key: String) throws(ContractError) -> Double? {
        switch obj[key] {
        case nil, .null?: return nil
        case .number(let d)?: return d
        case .int(let i)?: return Double(i)
        case let v?: throw violation(key, "must be a number or null, got \(v.typeName)")
        }
    }

    /// Required non-negative integer (schema: `type: integer`, `minimum: 0`).
    package func requiredNonNegativeInteger(_ key: String) throws(ContractError) -> Int {
        guard let i = try nonNegativeInteger(key) else {
            throw ContractError(.schemaViolation, field: p(key), "required integer \(p(key)) is missing")
        }
        return i
    }

    /// Required boolean.
    package func requiredBool(_ key: String) throws(ContractError) -> Bool {
        guard let b = try bool(key) else { throw ContractError(.schemaViolation, field: p(key), "required boolean \(p(key)) is missing") }
        return b
    }

    /// The objects of an array member (`[]` when the member is absent or null).
    package func objects(_ key: String) throws(ContractError) -> [Fields] {
        switch obj[key] {
        case nil, .null?: return []
        case .array(let items)?:
            var out: [Fields] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() { out.append(try Fields(item, path: "\(p(key))[\(i)]")) }
            return out
        case let v?: throw violation(key, "must be an array or null, got \(v.typeName)")
        }
    }

    /// The strings of an array member (`[]` when the member is absent or null).
    package func strings(_ key: String) throws(ContractError) -> [String] {
        switch obj[key] {
        case nil, .null?: return []
        case .array(let items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw ContractError(
                        .schemaViolation, field: "\(p(key))[\(i)]", "\(p(key))[\(i)] must be a string, got \(item.typeName)")
                }
                out.append(text)
            }
            return out
        case let v?: throw violation(key, "must be an array or null, got \(v.typeName)")
        }
    }

    /// The members of an object member whose values are numbers or null, by key
    /// (`[:]` when the member is absent or null).
    package func numbers(_ key: String) throws(ContractError) -> [String: Double?] {
        guard let o = try object(key) else { return [:] }
        var out: [String: Double?] = [:]
        for member in o.obj.members { out[member.key] = try o.number(member.key) }
        return out
    }

    /// The numbers (or nulls) of an array member, in order (`[]` when the member is absent or null).
    package func numberArray(_ key: String) throws(ContractError) -> [Double?] {
        switch obj[key] {
        case nil, .null?: return []
        case .array(let items)?:
            var out: [Double?] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                switch item {
                case .null: out.append(nil)
                case .number(let d): out.append(d)
                case .int(let n): out.append(Double(n))
                default:
                    throw ContractError(
                        .schemaViolation, field: "\(p(key))[\(i)]", "\(p(key))[\(i)] must be a number or null, got \(item.typeName)")
                }
            }
            return out
        case let v?: throw violation(key, "must be an array or null, got \(v.typeName)")
        }
    }

    /// The raw value of a member whose schema allows several JSON types, or nil when absent.
    package func value(_ key: String) -> JSONValue? { obj[key] }
}
