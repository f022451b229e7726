import Foundation
import LeadLedgerCore

// Artifacts are read and written with the core's JSON (`JSONValue`, `JSONParser`,
// `CanonicalJSON`); this file adds what the model layer needs on top: errors that
// name the artifact, line and column, exact integers, and the stable encoding.

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
