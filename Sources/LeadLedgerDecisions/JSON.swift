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
