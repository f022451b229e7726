import ArgumentParser
import Foundation

/// `--format` of the commands that print a report (`lag`, `topics list`, `audit
/// verify`): readable text, or one JSON object whose schema is under `schemas/cli/`.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json

    /// `report` as one line of JSON (keys sorted) with a line break.
    static func json<Report: Encodable>(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// `report` as one line of JSON with snake_case keys, sorted, and a line break
    /// (the lifecycle reports, whose values are the analytics module's types).
    static func snakeCaseJSON<Report: Encodable>(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}
