import Foundation
import LeadLedgerCore

// Artifacts are read and written with the core's JSON (`JSONValue`, `JSONParser`,
// `CanonicalJSON`); this file adds what the model layer needs on top: errors that
// name the artifact, line and column, exact integers, and the stable encoding.

extension JSONParser {
    /// Parses a model artifact or dump. Integral literals stay exact
    /// (``JSONValue/int(_:)``); nesting is limited to 512 levels and size is not
    /// limited. A syntax error becomes a ``DecisionsError`` (`invalid_artifact`)
    /// naming `source` and the 1-based line and column where parsing stopped.
    package static func parse(_ data: Data, source: String = "<json>") throws(DecisionsError) -> JSONValue {
        let bytes = [UInt8](data)
        do throws(JSONSyntaxError) {
            return try parseReportingOffset(bytes, limits: JSONLimits(maxBytes: .max, maxDepth: 512), keepingIntegers: true)
        } catch {
            let location = error.location(in: bytes)
            throw DecisionsError(
                .invalidArtifact, "malformed JSON: " + error.reason, file: source,
                line: location?.line, column: location?.column)
        }
    }
}

/// Lenient accessors for reading artifacts.
extension JSONValue {
    /// The member named `key` of an object (the last one, as ``JSONObject`` reads), or nil.
    subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The value as a Double (numbers and integers).
    var double: Double? {
        switch self {
        case .number(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    /// The value as an Int (integers, and integral numbers).
    var int: Int? {
        switch self {
        case .int(let i): return i
        case .number(let d): return d.rounded() == d && abs(d) < 9.0e15 ? Int(d) : nil
        default: return nil
        }
    }

    /// The value as a String.
    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    /// The value as an array.
    var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
    /// The value as a Bool (also accepts the integers 0 and 1, as XGBoost writes them).
    var bool: Bool? {
        switch self {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        default: return nil
        }
    }

    /// The first non-finite number in the value, depth first, or nil.
    var firstNonFiniteNumber: Double? {
        switch self {
        case .number(let d): return d.isFinite ? nil : d
        case .array(let items):
            for item in items { if let d = item.firstNonFiniteNumber { return d } }
            return nil
        case .object(let object):
            for member in object.members { if let d = member.value.firstNonFiniteNumber { return d } }
            return nil
        case .null, .bool, .int, .string: return nil
        }
    }
}

/// The stable JSON encoding used for every artifact this module writes:
/// object keys sorted by their UTF-8 bytes, no insignificant whitespace except
/// one newline at the end, integers in decimal, doubles in Swift's shortest
/// round-trip form (`Double.description`, locale-independent, e.g. `0.1`,
/// `1e-05`, `3.0`), so that parsing the text gives back the identical bits
/// (``CanonicalJSON`` with ``CanonicalJSON/NumberFormat/roundTrip``).
/// Non-finite doubles cannot be encoded.
package enum StableJSON {
    /// Encodes `value`; throws for non-finite numbers.
    package static func encode(_ value: JSONValue) throws(DecisionsError) -> Data {
        if let d = value.firstNonFiniteNumber {
            throw DecisionsError(.invalidInput, "cannot encode non-finite number \(d) in JSON")
        }
        var out = CanonicalJSON.encode(value, numbers: .roundTrip)
        out.append(0x0A)
        return Data(out)
    }
}

/// Helpers to read required fields from artifacts with errors that name the field.
struct ArtifactReader {
    let source: String

    func fail(_ field: String, _ message: String) -> DecisionsError {
        DecisionsError(.invalidArtifact, message, file: source, field: field)
    }
    func value(_ object: JSONValue, _ key: String, _ path: String) throws -> JSONValue {
        guard let v = object[key] else { throw fail(path + key, "missing field") }
        return v
    }
    func double(_ object: JSONValue, _ key: String, _ path: String = "") throws -> Double {
        guard let d = try value(object, key, path).double else { throw fail(path + key, "expected a number") }
        return d
    }
    func int(_ object: JSONValue, _ key: String, _ path: String = "") throws -> Int {
        guard let i = try value(object, key, path).int else { throw fail(path + key, "expected an integer") }
        return i
    }
    func string(_ object: JSONValue, _ key: String, _ path: String = "") throws -> String {
        guard let s = try value(object, key, path).string else { throw fail(path + key, "expected a string") }
        return s
    }
    func array(_ object: JSONValue, _ key: String, _ path: String = "") throws -> [JSONValue] {
        guard let a = try value(object, key, path).array else { throw fail(path + key, "expected an array") }
        return a
    }
    func doubles(_ object: JSONValue, _ key: String, _ path: String = "") throws -> [Double] {
        try array(object, key, path).enumerated().map { i, v in
            guard let d = v.double else { throw fail("\(path)\(key)[\(i)]", "expected a number") }
            return d
        }
    }
    func ints(_ object: JSONValue, _ key: String, _ path: String = "") throws -> [Int] {
        try array(object, key, path).enumerated().map { i, v in
            guard let d = v.int else { throw fail("\(path)\(key)[\(i)]", "expected an integer") }
            return d
        }
    }
    func strings(_ object: JSONValue, _ key: String, _ path: String = "") throws -> [String] {
        try array(object, key, path).enumerated().map { i, v in
            guard let d = v.string else { throw fail("\(path)\(key)[\(i)]", "expected a string") }
            return d
        }
    }
}
