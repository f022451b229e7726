/// One custom CRM field (Salesforce `Budget__c`, a HubSpot custom property) as
/// the `custom` object of a `lead` or `account` payload carries it.
///
/// The contract: at most ``maximumCount`` keys, each matching
/// `^[A-Za-z][A-Za-z0-9_]{0,63}$`; values are strings of at most
/// ``maximumStringBytes`` UTF-8 bytes, numbers or booleans. A `null` value is
/// "not given", as for every other CRM field. Anything else rejects the whole
/// message as `custom_field_invalid`.
package struct CustomField: Sendable, Equatable {
    /// A custom field's value.
    package enum Value: Sendable, Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
    }

    package var key: String
    package var value: Value

    package init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }

    /// At most this many keys in one `custom` object.
    package static let maximumCount = 50
    /// At most this many UTF-8 bytes in a string value.
    package static let maximumStringBytes = 256
    /// At most this many UTF-8 bytes in a sealed string value of the canonical
    /// log (`enc1.<16 hex subject>.<base64url box>`): a sealed 256-byte value
    /// takes 401 bytes.
    package static let maximumSealedStringBytes = 512
    /// How a sealed value of the canonical log starts (`PersonalDataSealer`).
    package static let sealedPrefix = "enc1."

    /// True when `key` matches `^[A-Za-z][A-Za-z0-9_]{0,63}$`.
    package static func isValidKey(_ key: String) -> Bool {
        let bytes = key.utf8
        guard let first = bytes.first, bytes.count <= 64, isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }

    /// The `custom` member of `fields`, sorted by key (`[]` when absent or null).
    /// With `allowsSealed` (a lead's fields in the canonical log), a string that
    /// starts with ``sealedPrefix`` may have up to ``maximumSealedStringBytes``.
    /// - Throws: `custom_field_invalid` naming the offending key.
    static func decode(_ fields: Fields, member: String = "custom", allowsSealed: Bool = false) throws(ContractError) -> [CustomField] {
        let path = fields.p(member)
        let object: JSONObject
        switch fields.obj[member] {
        case nil, .null?: return []
        case .object(let o)?: object = o
        case let v?: throw ContractError(.customFieldInvalid, field: path, "\(path) must be an object, got \(v.typeName)")
        }
        guard object.members.count <= maximumCount else {
            throw ContractError(
                .customFieldInvalid, field: path, "\(path) has \(object.members.count) keys, at most \(maximumCount) are allowed")
        }
        var out: [CustomField] = []
        out.reserveCapacity(object.members.count)
        for member in object.members {
            guard isValidKey(member.key) else {
                throw ContractError(
                    .customFieldInvalid, field: path,
                    "\(path) key '\(member.key.prefix(80))' must match ^[A-Za-z][A-Za-z0-9_]{0,63}$")
            }
            let at = "\(path).\(member.key)"
            switch member.value {
            case .null: continue
            case .string(let s):
                let limit = allowsSealed && s.hasPrefix(sealedPrefix) ? maximumSealedStringBytes : maximumStringBytes
                guard s.utf8.count <= limit else {
                    throw ContractError(.customFieldInvalid, field: at, "\(at) is \(s.utf8.count) bytes, at most \(limit) are allowed")
                }
                out.append(CustomField(member.key, .string(s)))
            case .int(let i): out.append(CustomField(member.key, .number(Double(i))))
            case .number(let d): out.append(CustomField(member.key, .number(d)))
            case .bool(let b): out.append(CustomField(member.key, .bool(b)))
            case let v:
                throw ContractError(.customFieldInvalid, field: at, "\(at) must be a string, number or boolean, got \(v.typeName)")
            }
        }
        return sorted(out)
    }

    /// `fields` sorted by key bytes, the last value of a repeated key kept.
    package static func sorted(_ fields: [CustomField]) -> [CustomField] {
        var byKey: [String: Value] = [:]
        for f in fields { byKey[f.key] = f.value }
        return byKey.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { CustomField($0, byKey[$0]!) }
    }

    /// `base` with `updates` applied: an update replaces the value of its key.
    package static func merged(_ base: [CustomField], _ updates: [CustomField]) -> [CustomField] { sorted(base + updates) }
}
