/// A parsed JSON value.
///
/// Objects keep their members in the order written; ``JSONObject/subscript(_:)``
/// returns the *last* member with a given key, as Python's `json` and most
/// parsers do, so the Swift decoders and the JSON Schema validator see the same
/// document.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    /// An integer kept exact. The parser produces it only when asked to keep
    /// integral literals (``JSONParser/parseReportingOffset(_:limits:keepingIntegers:)``
    /// with `keepingIntegers: true`, as model artifacts are read); by default every
    /// number is a ``number(_:)``. ``CanonicalJSON`` writes it in decimal.
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name used in error messages (`"string"`, `"object"`, ...).
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number, .int: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
