import Foundation
import LeadLedgerCore
import Yams

/// A custom CRM field used as a feature (`custom_features:` in the scoring
/// configuration): one-hot columns over listed values (categorical) or one
/// numeric column with an optional clip and `log1p` transform.
///
/// ```yaml
/// custom_features:
///   - {field: Budget__c, of: lead, kind: categorical, values: [high, medium], direction: positive}
///   - {field: ARR__c, of: account, kind: numeric, clip: [0, 100000000], transform: log1p, direction: positive}
/// ```
///
/// Columns are named `custom.<field>=<value>` / `custom.<field>` for lead fields
/// and `account_custom.<field>=<value>` / `account_custom.<field>` for account
/// fields. A lead (or account) without the field, or with a value of another
/// type, has 0 in every column of the feature.
package struct CustomFeature: Sendable, Equatable {
    /// Whose field it is.
    package enum Owner: String, Sendable, Equatable, CaseIterable {
        case lead, account
    }

    /// How the value becomes columns.
    package enum Kind: Sendable, Equatable {
        /// One 0/1 column per listed value: a string equal to it, or a boolean whose
        /// `true`/`false` equals it.
        case categorical(values: [String])
        /// One column: a number (a boolean is 1 or 0; a string that is a number is
        /// read as one), clipped to `clip` when given, then `log1p` when asked
        /// (values below 0 count as 0 for `log1p`).
        case numeric(clip: ClosedRange<Double>?, log1p: Bool)
    }

    package var field: String
    package var owner: Owner
    package var kind: Kind
    /// The declared direction of every column of the feature (default `free`).
    package var direction: FeatureDirection

    package init(field: String, owner: Owner = .lead, kind: Kind, direction: FeatureDirection = .free) {
        self.field = field
        self.owner = owner
        self.kind = kind
        self.direction = direction
    }

    /// The prefix of the feature's column names.
    var prefix: String { owner == .lead ? "custom.\(field)" : "account_custom.\(field)" }

    /// The feature's column definitions, in column order.
    var definitions: [FeatureDefinition] {
        let whose = owner == .lead ? "lead" : "account"
        switch kind {
        case .categorical(let values):
            return values.map { v in
                FeatureDefinition(
                    name: "\(prefix)=\(v)", group: owner == .lead ? .fit : .account,
                    meaning: "custom \(whose) field \(field) is '\(v)'", source: "CRM \(whose) custom.\(field)", unit: "0/1",
                    direction: direction)
            }
        case .numeric(let clip, let log1p):
            var how = ""
            if let clip { how += ", clipped to [\(clip.lowerBound), \(clip.upperBound)]" }
            if log1p { how += ", log1p" }
            return [
                FeatureDefinition(
                    name: prefix, group: owner == .lead ? .fit : .account, meaning: "custom \(whose) field \(field)\(how)",
                    source: "CRM \(whose) custom.\(field)", unit: log1p ? "log1p" : "number", direction: direction)
            ]
        }
    }

    /// Number of columns.
    var width: Int {
        switch kind {
        case .categorical(let values): values.count
        case .numeric: 1
        }
    }

    /// Writes the feature's columns for `fields` (sorted by key) into `x` from `column`.
    func write(_ fields: [CustomField], into x: UnsafeMutableBufferPointer<Double>, at column: Int) {
        let value = Self.find(field, in: fields)
        switch kind {
        case .categorical(let values):
            let text: String? =
                switch value {
                case .string(let s)?: s
                case .bool(let b)?: b ? "true" : "false"
                default: nil
                }
            for (i, v) in values.enumerated() { x[column + i] = text == v ? 1 : 0 }
        case .numeric(let clip, let log1p):
            var number: Double
            switch value {
            case .number(let d)?: number = d
            case .bool(let b)?: number = b ? 1 : 0
            case .string(let s)?: number = Double(s.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil } ?? 0
            case nil: number = 0
            }
            if let clip { number = min(max(number, clip.lowerBound), clip.upperBound) }
            if log1p { number = Foundation.log1p(max(number, 0)) }
            x[column] = number
        }
    }

    /// The value of `key` in `fields` (sorted by key), by binary search.
    static func find(_ key: String, in fields: [CustomField]) -> CustomField.Value? {
        var lo = 0
        var hi = fields.count
        while lo < hi {
            let m = (lo + hi) / 2
            if fields[m].key.utf8.lexicographicallyPrecedes(key.utf8) { lo = m + 1 } else { hi = m }
        }
        return lo < fields.count && fields[lo].key == key ? fields[lo].value : nil
    }
}

extension CustomFeature {
    /// Reads one `custom_features` entry.
    static func load(_ node: Node, path: String, _ r: YAMLReader) throws -> CustomFeature {
        var field = ""
        var owner = Owner.lead
        var kindName = ""
        var values: [String] = []
        var clip: ClosedRange<Double>?
        var log1p = false
        var direction = FeatureDirection.free
        var kindNode: Node?
        for (k, n) in try r.mapping(
            node, path, known: ["field", "of", "kind", "values", "clip", "transform", "direction"], required: ["field", "kind"])
        {
            switch k {
            case "field":
                field = try r.string(n, path + ".field")
                guard CustomField.isValidKey(field) else {
                    throw r.fail(n, path + ".field", "'\(field)' is not a custom field name (^[A-Za-z][A-Za-z0-9_]{0,63}$)")
                }
            case "of":
                let s = try r.string(n, path + ".of")
                guard let o = Owner(rawValue: s) else { throw r.fail(n, path + ".of", "must be lead or account, got '\(s)'") }
                owner = o
            case "kind":
                kindName = try r.string(n, path + ".kind")
                kindNode = n
            case "values": values = try r.strings(n, path + ".values")
            case "clip":
                guard let seq = n.sequence, seq.count == 2 else { throw r.fail(n, path + ".clip", "expected [min, max]") }
                let lo = try r.number(seq[0], path + ".clip[0]")
                let hi = try r.number(seq[1], path + ".clip[1]")
                guard lo <= hi else { throw r.fail(n, path + ".clip", "min \(lo) is above max \(hi)") }
                clip = lo...hi
            case "transform":
                let s = try r.string(n, path + ".transform")
                guard s == "log1p" || s == "none" else { throw r.fail(n, path + ".transform", "must be log1p or none, got '\(s)'") }
                log1p = s == "log1p"
            default:
                let s = try r.string(n, path + ".direction")
                guard let d = FeatureDirection(rawValue: s) else {
                    throw r.fail(n, path + ".direction", "must be positive, negative or free, got '\(s)'")
                }
                direction = d
            }
        }
        switch kindName {
        case "categorical":
            guard !values.isEmpty else { throw r.fail(node, path + ".values", "a categorical custom feature needs values") }
            guard clip == nil, !log1p else { throw r.fail(node, path, "clip and transform apply to numeric custom features only") }
            return CustomFeature(field: field, owner: owner, kind: .categorical(values: values), direction: direction)
        case "numeric":
            guard values.isEmpty else { throw r.fail(node, path + ".values", "values apply to categorical custom features only") }
            return CustomFeature(field: field, owner: owner, kind: .numeric(clip: clip, log1p: log1p), direction: direction)
        default:
            throw r.fail(kindNode, path + ".kind", "must be categorical or numeric, got '\(kindName)'")
        }
    }
}
