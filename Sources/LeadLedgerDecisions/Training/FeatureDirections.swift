import Foundation
import Yams

/// The directions a data set's features may move a score, for a bounded
/// (monotone) fit: a YAML file that overrides the feature catalogue's
/// declarations where a data set has other semantics.
///
/// ```yaml
/// default: free                 # features not listed: free, or declared (the catalogue's direction)
/// features:
///   time_on_site_decayed: positive
///   email_unsubscribed: negative
///   "lead_source=*": free       # a trailing * matches every feature with that prefix
/// ```
///
/// The catalogue's declarations are right for B2B leads (more intent never
/// lowers a score). A data set such as X Education, B2C course leads whose
/// tracked events and contact requests mean other things, brings its own file
/// (`config/directions/xeducation.yaml`): `train --directions FILE` and
/// `leadledger-bench xeducation --directions FILE` fit within it. A listed
/// name that is not a feature of the configuration is an error, so a typo
/// cannot silently leave a feature unbounded.
package struct FeatureDirections: Sendable, Equatable {
    /// What a feature the file does not list gets.
    package enum Default: String, Sendable, Equatable {
        /// No direction: unbounded.
        case free
        /// The catalogue's declared direction.
        case declared
    }

    package var fallback: Default
    /// Exact names and `prefix*` patterns, in file order (the first match wins).
    package var entries: [(pattern: String, direction: FeatureDirection)]

    package static func == (a: FeatureDirections, b: FeatureDirections) -> Bool {
        a.fallback == b.fallback && a.entries.elementsEqual(b.entries) { $0.pattern == $1.pattern && $0.direction == $1.direction }
    }

    package init(fallback: Default, entries: [(pattern: String, direction: FeatureDirection)]) {
        self.fallback = fallback
        self.entries = entries
    }

    /// Parses a directions file; invalid content fails with file, line and field.
    package static func load(yaml data: Data, source: String) throws -> FeatureDirections {
        let r = YAMLReader(source: source)
        let root = try r.root(data)
        var result = FeatureDirections(fallback: .declared, entries: [])
        for (key, node) in try r.mapping(root, "", known: ["default", "features"], required: ["features"]) {
            if key == "default" {
                let text = try r.string(node, "default")
                guard let fallback = Default(rawValue: text) else { throw r.fail(node, "default", "expected free or declared") }
                result.fallback = fallback
                continue
            }
            for (name, value) in try r.mapping(node, "features", known: nil) {
                let text = try r.string(value, "features." + name)
                guard let direction = FeatureDirection(rawValue: text) else {
                    throw r.fail(value, "features." + name, "expected positive, negative or free")
                }
                result.entries.append((name, direction))
            }
        }
        return result
    }

    /// The direction of every feature of `definitions` (schema order).
    /// - Throws: ``DecisionsError`` when an entry matches no feature.
    package func signs(for definitions: [FeatureDefinition], source: String) throws -> [FeatureDirection] {
        var used = Set<Int>()
        let signs = definitions.map { definition -> FeatureDirection in
            for (i, entry) in entries.enumerated() where Self.matches(entry.pattern, definition.name) {
                used.insert(i)
                return entry.direction
            }
            return fallback == .free ? .free : definition.direction
        }
        if let unused = entries.indices.first(where: { !used.contains($0) }) {
            throw DecisionsError(
                .invalidConfig, "'\(entries[unused].pattern)' names no feature of this configuration", file: source,
                field: "features." + entries[unused].pattern)
        }
        return signs
    }

    static func matches(_ pattern: String, _ name: String) -> Bool {
        pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
    }
}
