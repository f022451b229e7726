/// An error raised by the decisions model layer.
///
/// Every error carries a machine-readable ``code``, a human-readable ``message``
/// and, where known, where it happened: the file (a name the caller passed in),
/// the 1-based line and column, and the configuration or artifact field.
package struct DecisionsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    package enum Code: String, Sendable, Equatable {
        /// A YAML rule configuration is malformed or refers to unknown features.
        case invalidConfig = "invalid_config"
        /// A JSON artifact or model dump is malformed.
        case invalidArtifact = "invalid_artifact"
        /// A model dump uses a feature this implementation does not support.
        case unsupportedModel = "unsupported_model"
        /// Feature names or counts do not match the schema.
        case schemaMismatch = "schema_mismatch"
        /// Training or evaluation input is unusable (empty, wrong lengths, non-finite).
        case invalidInput = "invalid_input"
        /// Training data is insufficient (e.g. too few examples of a class).
        case insufficientData = "insufficient_data"
        /// A numerical procedure failed (e.g. a matrix that is not positive definite).
        case numerical = "numerical"
    }

    /// Machine-readable error code.
    package let code: Code
    /// Human-readable explanation.
    package let message: String
    /// Name of the file or source the input came from, if known.
    package let file: String?
    /// 1-based line in `file`, if known.
    package let line: Int?
    /// 1-based column in `file`, if known.
    package let column: Int?
    /// Path of the offending field (e.g. `groups[1].rules[0].op`), if known.
    package let field: String?

    /// Creates an error.
    package init(
        _ code: Code, _ message: String, file: String? = nil, line: Int? = nil,
        column: Int? = nil, field: String? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
    }

    /// `file:line:column: field: message [code]`, with the unknown parts left out.
    package var description: String {
        var location = ""
        if let file { location += file }
        if let line { location += (location.isEmpty ? "line " : ":") + String(line) }
        if let column, line != nil { location += ":" + String(column) }
        var text = location.isEmpty ? "" : location + ": "
        if let field { text += field + ": " }
        return text + message + " [" + code.rawValue + "]"
    }
}
