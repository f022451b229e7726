import Foundation
import Yams

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
