import Foundation
import Yams

/// The one way LeadLedger reads a YAML configuration file: the engine
/// configuration, the scoring configuration, routing rules, points models,
/// feature directions and the token file of `serve`.
///
/// It composes the text into a node tree and gives typed access to the members
/// of each mapping. Every mapping is read with the keys it knows, and a key it
/// does not know is an error, so a typo such as `state_dir:` is refused instead
/// of silently leaving a default in place. Every problem is a ``DecisionsError``
/// with code `invalid_config` that names the file, the line and column, and the
/// key path (`groups.materialise`, `territories[0].owners[1].weight`).
package struct YAMLReader {
    /// The name of the input in errors (usually the file path).
    package let source: String

    package init(source: String) {
        self.source = source
    }

    /// Reads the file at `path` and returns its bytes; `source` names it in errors.
    package static func contents(of path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DecisionsError(.invalidConfig, "cannot read: \(error.localizedDescription)", file: path)
        }
    }

    /// Parses `data` (UTF-8 YAML) and returns the root node; an empty document fails.
    package func root(_ data: Data) throws -> Node {
        guard let node = try document(data) else {
            throw DecisionsError(.invalidConfig, "configuration is empty", file: source)
        }
        return node
    }

    /// Parses `data` (UTF-8 YAML) and returns the root node, or nil when the
    /// document is empty (only whitespace and comments).
    package func document(_ data: Data) throws -> Node? {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DecisionsError(.invalidConfig, "configuration is not valid UTF-8", file: source)
        }
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error)
        }
    }

    /// An error at `node` (its line and column when known) for the key path `field`.
    package func fail(_ node: Node?, _ field: String, _ message: String) -> DecisionsError {
        DecisionsError(.invalidConfig, message, file: source, line: node?.mark?.line, column: node?.mark?.column, field: field)
    }

    /// The members of a mapping, in file order.
    ///
    /// - Parameters:
    ///   - field: the mapping's key path (empty for the root).
    ///   - known: the keys the mapping may have; nil when its keys are data
    ///     (names of components, features, client properties).
    ///   - deprecated: keys still accepted but not listed among the known ones
    ///     (the caller warns about them).
    ///   - required: keys that must be present.
    /// - Throws: for a node that is not a mapping, a key that is not a string,
    ///   an unknown key (naming its path and the known keys), a repeated key or
    ///   a missing required key.
    package func mapping(
        _ node: Node, _ field: String, known: [String]?, deprecated: [String] = [], required: [String] = []
    ) throws -> [(key: String, node: Node)] {
        guard let mapping = node.mapping else { throw fail(node, field, "expected a mapping, found \(describe(node))") }
        var out: [(key: String, node: Node)] = []
        for (key, value) in mapping {
            guard let name = key.string, key.scalar != nil else { throw fail(key, field, "mapping keys must be strings") }
            let path = Self.path(field, name)
            if let known, !known.contains(name), !deprecated.contains(name) {
                throw fail(key, path, "unknown key '\(path)' (known keys: \(known.joined(separator: ", ")))")
            }
            guard !out.contains(where: { $0.key == name }) else { throw fail(key, path, "key '\(name)' given twice") }
            out.append((name, value))
        }
        for name in required where !out.contains(where: { $0.key == name }) {
            throw fail(node, Self.path(field, name), "missing required key '\(name)'")
        }
        return out
    }

    /// `parent.key`, or `key` at the root.
    package static func path(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : parent + "." + key
    }

    /// A finite number within the given bounds.
    package func number(_ node: Node, _ field: String, min: Double? = nil, max: Double? = nil) throws -> Double {
        guard node.scalar != nil, let s = node.string, let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite else {
            throw fail(node, field, "expected a finite number, found \(describe(node))")
        }
        if let min, d < min { throw fail(node, field, "must be at least \(min), found \(d)") }
        if let max, d > max { throw fail(node, field, "must be at most \(max), found \(d)") }
        return d
    }

    /// An integer of type `T` within the given bounds (by default, those of `T`).
    package func integer<T: FixedWidthInteger>(_ node: Node, _ field: String, min: T = .min, max: T = .max) throws -> T {
        guard node.scalar != nil, let s = node.string, let wide = Int64(s.trimmingCharacters(in: .whitespaces)) else {
            throw fail(node, field, "expected an integer, found \(describe(node))")
        }
        guard wide >= Int64(min) else { throw fail(node, field, "must be at least \(min), found \(wide)") }
        guard wide <= Int64(clamping: max), let value = T(exactly: wide) else {
            throw fail(node, field, "must be at most \(max), found \(wide)")
        }
        return value
    }

    /// A non-empty scalar, as text (a number is its digits).
    package func string(_ node: Node, _ field: String) throws -> String {
        guard node.scalar != nil, let s = node.string, !s.isEmpty else {
            throw fail(node, field, "expected a non-empty string, found \(describe(node))")
        }
        return s
    }

    /// Any scalar, as text (possibly empty).
    package func text(_ node: Node, _ field: String) throws -> String {
        guard node.scalar != nil, let s = node.string else { throw fail(node, field, "expected a string, found \(describe(node))") }
        return s
    }

    /// `true` or `false`.
    package func bool(_ node: Node, _ field: String) throws -> Bool {
        guard node.scalar != nil, let s = node.string else { throw fail(node, field, "expected true or false, found \(describe(node))") }
        switch s {
        case "true": return true
        case "false": return false
        default: throw fail(node, field, "expected true or false, found '\(s)'")
        }
    }

    /// A list of non-empty strings.
    package func strings(_ node: Node, _ field: String) throws -> [String] {
        guard let seq = node.sequence else { throw fail(node, field, "expected a list of strings, found \(describe(node))") }
        return try seq.enumerated().map { try string($0.element, "\(field)[\($0.offset)]") }
    }

    /// The items of a list.
    package func sequence(_ node: Node, _ field: String) throws -> [Node] {
        guard let seq = node.sequence else { throw fail(node, field, "expected a list, found \(describe(node))") }
        return Array(seq)
    }

    /// A mapping whose keys are data, each value any scalar (`properties: {linger.ms: 5}`).
    package func textMap(_ node: Node, _ field: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in try mapping(node, field, known: nil) {
            out[key] = try text(value, Self.path(field, key))
        }
        return out
    }

    /// How a node reads in an error: a scalar quoted, otherwise its kind.
    package func describe(_ node: Node) -> String {
        switch node {
        case .scalar: "'\(node.string ?? "")'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// A Yams parse error as a ``DecisionsError`` with the position it names.
    private func syntaxError(_ error: YamlError) -> DecisionsError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return DecisionsError(.invalidConfig, "YAML syntax error: \(problem)", file: source, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return DecisionsError(
                .invalidConfig, "duplicate key(s) \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping",
                file: source, line: context.mark.line, column: context.mark.column, field: duplicates.first)
        default:
            return DecisionsError(.invalidConfig, "YAML error: \(error)", file: source)
        }
    }
}
