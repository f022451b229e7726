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

/// Reads a points model's node tree (through ``YAMLReader``), resolving feature
/// names against the schema; errors carry file, line, column and key path.
struct RuleConfigReader {
    let yaml: YAMLReader
    let schema: FeatureSchema

    func fail(_ node: Node?, _ field: String, _ message: String) -> DecisionsError {
        yaml.fail(node, field, message)
    }

    func mapping(_ node: Node, _ field: String, allowed: [String]) throws -> [(key: String, node: Node)] {
        try yaml.mapping(node, field, known: allowed)
    }

    func number(_ node: Node, _ field: String) throws -> Double {
        try yaml.number(node, field)
    }

    func describe(_ node: Node) -> String {
        yaml.describe(node)
    }

    func readModel(_ root: Node) throws -> (String, [RuleModel.Group]) {
        let members = try mapping(root, "", allowed: ["name", "description", "levels", "groups"])
        var name: String?
        var levels: [String: [String: Double]] = [:]
        var groupsNode: Node?
        for (k, value) in members {
            switch k {
            case "name":
                guard let s = value.string, value.scalar != nil, !s.isEmpty else {
                    throw fail(value, "name", "expected a non-empty string")
                }
                guard s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                    throw fail(value, "name", "name may contain only letters, digits, '-', '_' and '.'")
                }
                name = s
            case "description":
                guard value.scalar != nil else { throw fail(value, "description", "expected a string") }
            case "levels":
                for (feature, table) in try mapping(value, "levels", allowed: schema.names) {
                    var entries: [String: Double] = [:]
                    guard let tm = table.mapping else {
                        throw fail(table, "levels.\(feature)", "expected a mapping of level name to number")
                    }
                    for (lk, lv) in tm {
                        guard let ln = lk.string else { throw fail(lk, "levels.\(feature)", "level names must be strings") }
                        guard entries[ln] == nil else { throw fail(lk, "levels.\(feature).\(ln)", "level '\(ln)' defined twice") }
                        entries[ln] = try number(lv, "levels.\(feature).\(ln)")
                    }
                    levels[feature] = entries
                }
            case "groups":
                groupsNode = value
            default: break
            }
        }
        guard let name else { throw fail(root, "name", "missing required key 'name'") }
        guard let groupsNode else { throw fail(root, "groups", "missing required key 'groups'") }
        guard let seq = groupsNode.sequence, !seq.isEmpty else { throw fail(groupsNode, "groups", "expected a non-empty list of groups") }
        var groups: [RuleModel.Group] = []
        var seen: [String] = []
        for (gi, groupNode) in seq.enumerated() {
            let group = try readGroup(groupNode, "groups[\(gi)]", levels: levels)
            guard !seen.contains(group.name) else { throw fail(groupNode, "groups[\(gi)].name", "group name '\(group.name)' used twice") }
            seen.append(group.name)
            groups.append(group)
        }
        return (name, groups)
    }

    func readGroup(_ node: Node, _ path: String, levels: [String: [String: Double]]) throws -> RuleModel.Group {
        let members = try mapping(node, path, allowed: ["name", "cap", "floor", "decay", "rules"])
        var name: String?
        var cap: Double?
        var floor: Double?
        var halfLife: Double?
        var ageIndex: Int?
        var rulesNode: Node?
        for (k, value) in members {
            switch k {
            case "name":
                guard value.scalar != nil, let s = value.string, !s.isEmpty else {
                    throw fail(value, path + ".name", "expected a non-empty string")
                }
                name = s
            case "cap": cap = try number(value, path + ".cap")
            case "floor": floor = try number(value, path + ".floor")
            case "decay":
                for (dk, dv) in try mapping(value, path + ".decay", allowed: ["half_life_days", "age_feature"]) {
                    if dk == "half_life_days" {
                        let h = try number(dv, path + ".decay.half_life_days")
                        guard h > 0 else { throw fail(dv, path + ".decay.half_life_days", "half-life must be positive") }
                        halfLife = h
                    } else {
                        guard let f = dv.string, let i = schema.index(of: f) else {
                            throw fail(
                                dv, path + ".decay.age_feature",
                                "unknown feature \(describe(dv)); the schema has: \(schema.names.joined(separator: ", "))")
                        }
                        ageIndex = i
                    }
                }
                guard halfLife != nil, ageIndex != nil else {
                    throw fail(value, path + ".decay", "decay needs both 'half_life_days' and 'age_feature'")
                }
            case "rules": rulesNode = value
            default: break
            }
        }
        guard let name else { throw fail(node, path + ".name", "missing required key 'name'") }
        if let cap, let floor, floor > cap { throw fail(node, path, "floor \(floor) is above cap \(cap)") }
        guard let rulesNode else { throw fail(node, path + ".rules", "missing required key 'rules'") }
        guard let seq = rulesNode.sequence, !seq.isEmpty else {
            throw fail(rulesNode, path + ".rules", "expected a non-empty list of rules")
        }
        var rules: [RuleModel.Rule] = []
        for (ri, ruleNode) in seq.enumerated() {
            rules.append(try readRule(ruleNode, "\(path).rules[\(ri)]", levels: levels))
        }
        return RuleModel.Group(name: name, rules: rules, cap: cap, floor: floor, halfLifeDays: halfLife, ageFeatureIndex: ageIndex)
    }

    func readRule(_ node: Node, _ path: String, levels: [String: [String: Double]]) throws -> RuleModel.Rule {
        let members = try mapping(node, path, allowed: ["feature", "op", "value", "in", "between", "points", "label"])
        var feature: (String, Int)?
        var op: (String, Node)?
        var valueNode: Node?
        var inNode: Node?
        var betweenNode: Node?
        var points: Double?
        var label: String?
        for (k, value) in members {
            switch k {
            case "feature":
                guard value.scalar != nil, let f = value.string, let i = schema.index(of: f) else {
                    throw fail(
                        value, path + ".feature",
                        "unknown feature \(describe(value)); the schema has: \(schema.names.joined(separator: ", "))")
                }
                feature = (f, i)
            case "op":
                guard value.scalar != nil, let s = value.string else { throw fail(value, path + ".op", "expected an operator") }
                op = (s, value)
            case "value": valueNode = value
            case "in": inNode = value
            case "between": betweenNode = value
            case "points": points = try number(value, path + ".points")
            case "label":
                guard value.scalar != nil, let s = value.string else { throw fail(value, path + ".label", "expected a string") }
                label = s
            default: break
            }
        }
        guard let (featureName, featureIndex) = feature else { throw fail(node, path + ".feature", "missing required key 'feature'") }
        guard let points else { throw fail(node, path + ".points", "missing required key 'points'") }
        let table = levels[featureName]
        func resolve(_ v: Node, _ field: String) throws -> Double {
            if let s = v.string, v.scalar != nil, let level = table?[s] { return level }
            if let s = v.string, v.scalar != nil, Double(s) == nil {
                let known = table.map { $0.keys.sorted().joined(separator: ", ") } ?? "none"
                throw fail(v, field, "'\(s)' is neither a number nor a level of '\(featureName)' (levels: \(known))")
            }
            return try number(v, field)
        }
        let forms = [op != nil, inNode != nil, betweenNode != nil].filter { $0 }.count
        guard forms == 1 else { throw fail(node, path, "a rule needs exactly one of 'op' (with 'value'), 'in' or 'between'") }
        let condition: RuleModel.Condition
        var text: String
        if let (opText, opNode) = op {
            guard let valueNode else { throw fail(node, path + ".value", "'op' needs a 'value'") }
            let v = try resolve(valueNode, path + ".value")
            let shown = valueNode.string ?? String(v)
            switch opText {
            case "==", "equals":
                condition = .equal(v)
                text = "\(featureName) == \(shown)"
            case "!=":
                condition = .notEqual(v)
                text = "\(featureName) != \(shown)"
            case "<":
                condition = .less(v)
                text = "\(featureName) < \(shown)"
            case "<=":
                condition = .lessOrEqual(v)
                text = "\(featureName) <= \(shown)"
            case ">":
                condition = .greater(v)
                text = "\(featureName) > \(shown)"
            case ">=":
                condition = .greaterOrEqual(v)
                text = "\(featureName) >= \(shown)"
            default: throw fail(opNode, path + ".op", "unknown operator '\(opText)' (use ==, equals, !=, <, <=, >, >=)")
            }
        } else if let inNode {
            guard valueNode == nil else { throw fail(valueNode, path + ".value", "'value' is only used with 'op'") }
            guard let seq = inNode.sequence, !seq.isEmpty else { throw fail(inNode, path + ".in", "expected a non-empty list") }
            let values = try seq.enumerated().map { try resolve($1, "\(path).in[\($0)]") }
            condition = .oneOf(values)
            text = "\(featureName) in [\(seq.map { $0.string ?? "" }.joined(separator: ", "))]"
        } else {
            guard valueNode == nil else { throw fail(valueNode, path + ".value", "'value' is only used with 'op'") }
            guard let bn = betweenNode, let seq = bn.sequence, seq.count == 2 else {
                throw fail(betweenNode, path + ".between", "expected a list [low, high]")
            }
            let lo = try resolve(seq[seq.startIndex], path + ".between[0]")
            let hi = try resolve(seq[seq.index(after: seq.startIndex)], path + ".between[1]")
            guard lo <= hi else { throw fail(bn, path + ".between", "low \(lo) is above high \(hi)") }
            condition = .between(lo, hi)
            text = "\(featureName) in [\(seq.map { $0.string ?? "" }.joined(separator: ", "))] (inclusive range)"
        }
        return RuleModel.Rule(featureIndex: featureIndex, feature: featureName, condition: condition, points: points, label: label ?? text)
    }
}
