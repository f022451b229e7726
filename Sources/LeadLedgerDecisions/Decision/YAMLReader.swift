import Foundation
import Yams

/// Reads a YAML configuration into a node tree and reports every problem as a
/// ``DecisionsError`` with `file`, `line`, `column` and `field`.
struct YAMLReader {
    let source: String

    /// Parses `data` (UTF-8 YAML) and returns the root node.
    func root(_ data: Data) throws -> Node {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DecisionsError(.invalidConfig, "configuration is not valid UTF-8", file: source)
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw DecisionsError(.invalidConfig, "configuration is empty", file: source)
            }
            return node
        } catch let error as DecisionsError {
            throw error
        } catch let error as YamlError {
            throw RuleConfigReader.yamlError(error, source: source)
        }
    }

    func fail(_ node: Node?, _ field: String, _ message: String) -> DecisionsError {
        DecisionsError(.invalidConfig, message, file: source, line: node?.mark?.line, column: node?.mark?.column, field: field)
    }

    /// The members of a mapping, in file order; unknown (not in `allowed`, when
    /// given) or repeated keys fail.
    func mapping(_ node: Node, _ field: String, allowed: [String]?, required: [String] = []) throws -> [(key: String, node: Node)] {
        guard let mapping = node.mapping else { throw fail(node, field, "expected a mapping") }
        var out: [(key: String, node: Node)] = []
        for (key, value) in mapping {
            guard let k = key.string else { throw fail(key, field, "mapping keys must be strings") }
            let path = field.isEmpty ? k : field + "." + k
            if let allowed, !allowed.contains(k) {
                throw fail(key, path, "unknown field '\(k)' (allowed: \(allowed.joined(separator: ", ")))")
            }
            guard !out.contains(where: { $0.key == k }) else { throw fail(key, path, "field '\(k)' given twice") }
            out.append((k, value))
        }
        for r in required where !out.contains(where: { $0.key == r }) {
            throw fail(node, field.isEmpty ? r : field + "." + r, "missing required field '\(r)'")
        }
        return out
    }

    func number(_ node: Node, _ field: String, min: Double? = nil, max: Double? = nil) throws -> Double {
        guard node.scalar != nil, let s = node.string, let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite else {
            throw fail(node, field, "expected a finite number")
        }
        if let min, d < min { throw fail(node, field, "must be at least \(min), found \(d)") }
        if let max, d > max { throw fail(node, field, "must be at most \(max), found \(d)") }
        return d
    }

    func integer(_ node: Node, _ field: String, min: Int) throws -> Int {
        guard node.scalar != nil, let s = node.string, let i = Int(s.trimmingCharacters(in: .whitespaces)) else {
            throw fail(node, field, "expected an integer")
        }
        guard i >= min else { throw fail(node, field, "must be at least \(min), found \(i)") }
        return i
    }

    func string(_ node: Node, _ field: String) throws -> String {
        guard node.scalar != nil, let s = node.string, !s.isEmpty else { throw fail(node, field, "expected a non-empty string") }
        return s
    }

    func bool(_ node: Node, _ field: String) throws -> Bool {
        guard node.scalar != nil, let s = node.string else { throw fail(node, field, "expected true or false") }
        switch s {
        case "true": return true
        case "false": return false
        default: throw fail(node, field, "expected true or false, found '\(s)'")
        }
    }

    func strings(_ node: Node, _ field: String) throws -> [String] {
        guard let seq = node.sequence else { throw fail(node, field, "expected a list of strings") }
        return try seq.enumerated().map { try string($0.element, "\(field)[\($0.offset)]") }
    }
}
