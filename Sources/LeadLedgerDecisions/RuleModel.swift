import Foundation
import Yams

/// A points-based scoring model in the style of HubSpot/Marketo lead scoring,
/// configured in YAML and versioned by the SHA-256 of the file's bytes.
///
/// ```yaml
/// name: fit                       # required; the id is "fit@<first 12 hex of sha256>"
/// levels:                         # optional named values per feature, for readable comparisons
///   title_seniority: {individual: 0, manager: 1, director: 2, vp: 3, c_level: 4}
/// groups:
///   - name: seniority
///     cap: 30                     # optional: the group total is at most this
///     floor: -10                  # optional: and at least this
///     rules:
///       - {feature: title_seniority, op: ">=", value: director, points: 20}
///       - {feature: title_seniority, op: equals, value: c_level, points: 10}
///   - name: firmographics
///     rules:
///       - {feature: industry_code, in: [3, 7, 11], points: 8}
///       - {feature: employees, between: [200, 5000], points: 12}   # inclusive bounds
///       - {feature: is_free_mail, op: "==", value: 1, points: -25}
///   - name: engagement
///     cap: 40
///     decay: {half_life_days: 14, age_feature: days_since_last_engagement}
///     rules:
///       - {feature: page_views_30d, op: ">=", value: 5, points: 10}
/// ```
///
/// Semantics (all fixed, documented, and order-independent of hashing):
/// - `op` is one of `==` (alias `equals`), `!=`, `<`, `<=`, `>`, `>=`; `in` takes
///   a list of values; `between: [lo, hi]` is `lo <= x <= hi`. A value may be a
///   number or a level name from `levels` for that feature.
/// - A condition on a missing (NaN) feature is false, including `!=`.
/// - A group's raw total is the sum of the points of its matching rules, in
///   file order. With `decay`, the raw total is multiplied by
///   `0.5^(age / half_life_days)`, `age` being the value of `age_feature` in the
///   same vector (negative ages count as 0; a missing age gives factor 0: no
///   credit for engagement of unknown age). The result is then clamped to
///   `[floor, cap]`.
/// - The score is the sum of group totals in file order.
/// - Each matching rule's explained points are its points times the group's
///   decay factor times (clamped total / decayed total), so explanations add
///   up to the group total and the score.
package struct RuleModel: Sendable {
    /// Comparison a rule performs.
    package enum Condition: Sendable, Equatable {
        case equal(Double)
        case notEqual(Double)
        case less(Double)
        case lessOrEqual(Double)
        case greater(Double)
        case greaterOrEqual(Double)
        /// `x` equals one of the values.
        case oneOf([Double])
        /// `lo <= x <= hi`.
        case between(Double, Double)

        /// Whether `x` satisfies the condition (false for NaN).
        @inline(__always) package func matches(_ x: Double) -> Bool {
            if x.isNaN { return false }
            switch self {
            case .equal(let v): return x == v
            case .notEqual(let v): return x != v
            case .less(let v): return x < v
            case .lessOrEqual(let v): return x <= v
            case .greater(let v): return x > v
            case .greaterOrEqual(let v): return x >= v
            case .oneOf(let vs):
                for v in vs where v == x { return true }
                return false
            case .between(let lo, let hi): return x >= lo && x <= hi
            }
        }
    }

    /// One scoring rule.
    package struct Rule: Sendable, Equatable {
        /// Schema position of the feature tested.
        package let featureIndex: Int
        /// Feature name.
        package let feature: String
        /// The comparison.
        package let condition: Condition
        /// Points when the condition holds.
        package let points: Double
        /// Readable form, e.g. `title_seniority >= director`.
        package let label: String
    }

    /// A group of rules with an optional cap, floor and decay.
    package struct Group: Sendable, Equatable {
        /// Group name.
        package let name: String
        /// Rules in file order.
        package let rules: [Rule]
        /// Upper bound of the group total, if any.
        package let cap: Double?
        /// Lower bound of the group total, if any.
        package let floor: Double?
        /// Decay half-life in days, if the group decays.
        package let halfLifeDays: Double?
        /// Schema position of the age feature (days), if the group decays.
        package let ageFeatureIndex: Int?
    }

    /// The configured model name.
    package let name: String
    /// SHA-256 of the configuration bytes.
    package let version: ContentVersion
    /// `name@short-hash`.
    package var id: String { name + "@" + version.short }
    /// Groups in file order.
    package let groups: [Group]
    /// The schema the rules were resolved against.
    package let schema: FeatureSchema

    /// Number of rules over all groups (the size of a per-rule explanation).
    package var ruleCount: Int { groups.reduce(0) { $0 + $1.rules.count } }

    /// Loads and validates a YAML configuration. `source` (usually the file
    /// path) names the input in errors, which also carry line, column and field.
    package static func load(yaml data: Data, source: String, schema: FeatureSchema) throws -> RuleModel {
        let yaml = YAMLReader(source: source)
        let root = try yaml.root(data)
        let reader = RuleConfigReader(yaml: yaml, schema: schema)
        let (name, groups) = try reader.readModel(root)
        return RuleModel(name: name, version: ContentVersion(of: data), groups: groups, schema: schema)
    }

    /// Convenience for ``load(yaml:source:schema:)`` with a String.
    package static func load(yaml text: String, source: String, schema: FeatureSchema) throws -> RuleModel {
        try load(yaml: Data(text.utf8), source: source, schema: schema)
    }

    /// Total points for one feature row (schema order).
    @inline(__always)
    package func score(_ x: UnsafeBufferPointer<Double>) -> Double {
        var total = 0.0
        for group in groups {
            var raw = 0.0
            for rule in group.rules where rule.condition.matches(x[rule.featureIndex]) { raw += rule.points }
            total += Self.finish(group, raw, x).total
        }
        return total
    }

    /// Total points for `vector`.
    package func score(_ vector: FeatureVector) -> Double {
        precondition(vector.schema == schema, "RuleModel: vector schema differs from the model's")
        return vector.values.withUnsafeBufferPointer { score($0) }
    }

    /// Total points, writing each rule's explained points (in rule order over
    /// all groups, ``ruleCount`` entries, 0 for rules that did not match) into
    /// `perRule`. The entries add up to the total (same summation order per group).
    package func score(_ x: UnsafeBufferPointer<Double>, perRule: UnsafeMutableBufferPointer<Double>) -> Double {
        var total = 0.0
        var r = 0
        for group in groups {
            var raw = 0.0
            let start = r
            for rule in group.rules {
                if rule.condition.matches(x[rule.featureIndex]) {
                    raw += rule.points
                    perRule[r] = rule.points
                } else {
                    perRule[r] = 0
                }
                r += 1
            }
            let (groupTotal, scale) = Self.finish(group, raw, x)
            for i in start..<r { perRule[i] *= scale }
            total += groupTotal
        }
        return total
    }

    /// Labels of all rules in explanation order (`group: label`).
    package var ruleLabels: [String] { groups.flatMap { g in g.rules.map { g.name + ": " + $0.label } } }

    @inline(__always)
    private static func finish(_ group: Group, _ raw: Double, _ x: UnsafeBufferPointer<Double>) -> (total: Double, scale: Double) {
        var factor = 1.0
        if let halfLife = group.halfLifeDays, let ageIndex = group.ageFeatureIndex {
            let age = x[ageIndex]
            factor = age.isNaN ? 0 : Foundation.pow(0.5, Swift.max(age, 0) / halfLife)
        }
        let decayed = raw * factor
        var clamped = decayed
        if let cap = group.cap, clamped > cap { clamped = cap }
        if let floor = group.floor, clamped < floor { clamped = floor }
        let scale = decayed == 0 ? 0 : factor * (clamped / decayed)
        return (clamped, scale)
    }
}
