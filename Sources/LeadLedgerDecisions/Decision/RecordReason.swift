import LeadLedgerCore

/// One entry of a routing or audit record's `reasons`, decoded.
package struct RecordReason: Sendable, Equatable {
    /// A reason's `value`: the schema allows a number, a string, a boolean or null.
    package enum Value: Sendable, Equatable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case null
    }

    /// The feature (or rule) name.
    package var feature: String
    /// The feature's value; nil when the record leaves it out.
    package var value: Value?
    /// The contribution to the margin.
    package var contribution: Double
    /// The human-readable sentence.
    package var text: String
    /// One step of an account signal's `graph_path`: a node of the account graph and
    /// the edge that leads to it from the step before (nil for the first step).
    package struct PathStep: Codable, Sendable, Equatable {
        package var node: String
        package var kind: String
        package var edge: String?

        package init(node: String, kind: String, edge: String?) {
            self.node = node
            self.kind = kind
            self.edge = edge
        }
    }

    /// The path in the account graph behind an account signal (nil for any other reason).
    package var graphPath: [PathStep]?
    /// What the reason is. Every reason of a routing record of schema_version 2 or an
    /// audit record of schema_version 3 names it; an older record's `gate` (the gate
    /// rule, always the first reason when present) decodes to ``ReasonKind/rule`` or
    /// ``ReasonKind/disqualifier`` by its rule, and a reason without a kind to ``ReasonKind/feature``.
    package var kind: ReasonKind

    package init(
        feature: String, value: Value?, contribution: Double, text: String, kind: ReasonKind = .feature,
        graphPath: [PathStep]? = nil
    ) {
        self.feature = feature
        self.value = value
        self.contribution = contribution
        self.text = text
        self.kind = kind
        self.graphPath = graphPath
    }

    /// The `graph_path` member of a reason object, nil when absent.
    static func graphPath(_ f: Fields) throws(ContractError) -> [PathStep]? {
        guard f.value("graph_path") != nil else { return nil }
        var steps: [PathStep] = []
        for step in try f.objects("graph_path") {
            steps.append(
                PathStep(node: try step.requiredString("node"), kind: try step.requiredString("kind"), edge: try step.string("edge")))
        }
        return steps
    }

    /// Decodes one sentence reason (routing records, audit records of schema_version 2).
    /// `kinded` (routing schema_version 2): `kind` is required and one of ``ReasonKind``;
    /// otherwise it is absent (a feature), `gate` or `reassignment`.
    package init(_ f: Fields, kinded: Bool) throws(ContractError) {
        let value: Value?
        switch f.value("value") {
        case nil: value = nil
        case .null?: value = .null
        case .bool(let b)?: value = .bool(b)
        case .string(let s)?: value = .string(s)
        case .number(let d)?: value = .number(d)
        case .int(let i)?: value = .number(Double(i))
        case let v?: throw f.violation("value", "must be a number, a string, a boolean or null, got \(v.typeName)")
        }
        let feature = try f.requiredString("feature")
        let kind: ReasonKind
        switch (try f.string("kind"), kinded) {
        case (let name?, true):
            guard let known = ReasonKind(rawValue: name) else {
                throw f.violation("kind", "must be feature, rule, disqualifier or reassignment, got \(name)")
            }
            kind = known
        case (nil, true): throw f.violation("kind", "is required")
        case (nil, false): kind = .feature
        case ("gate"?, false): kind = GateRule(rawValue: feature).map { ReasonKind($0) } ?? .rule
        case ("reassignment"?, false): kind = .reassignment
        case (let name?, false): throw f.violation("kind", "must be gate or reassignment, got \(name)")
        }
        self.init(
            feature: feature, value: value, contribution: try f.requiredNumber("contribution"), text: try f.requiredString("text"),
            kind: kind, graphPath: try Self.graphPath(f))
    }

    /// Decodes one reason of an audit record of schema_version 3: a feature by its
    /// index into `features`, the gate rule (`kind` `rule` or `disqualifier`), or
    /// why a rule-set switch reassigned the lead (`reassignment`, with its sentence).
    /// The sentence is the one the routing record has for the same reason.
    init(indexed f: Fields, features: FeatureSet) throws(ContractError) {
        let name = try f.requiredString("kind")
        guard let kind = ReasonKind(rawValue: name) else {
            throw f.violation("kind", "must be feature, rule, disqualifier or reassignment, got \(name)")
        }
        switch kind {
        case .feature:
            let value = try f.number("value")
            let index = try f.requiredNonNegativeInteger("feature")
            let contribution = try f.requiredNumber("contribution")
            self.init(
                feature: features.name(index), value: value.map { .number($0) } ?? .null, contribution: contribution,
                text: features.sentence(index: index, value: value ?? .nan, contribution: contribution), kind: kind,
                graphPath: try Self.graphPath(f))
        case .reassignment:
            let owner = try f.requiredString("value")
            self.init(
                feature: try f.requiredString("reason"), value: .string(owner), contribution: 0, text: try f.requiredString("text"),
                kind: kind)
        case .rule, .disqualifier:
            let value = try f.number("value")
            let rule = try f.requiredString("rule")
            self.init(
                feature: rule, value: value.map { .number($0) } ?? .null, contribution: 0, text: GateRule(rawValue: rule)?.text ?? rule,
                kind: kind)
        }
    }

    /// Whether the reason is the gate rule that set the tier.
    package var isGateRule: Bool { kind.isGateRule }

    /// The `reasons` member of an audit record of schema_version 3.
    static func indexedList(_ f: Fields, features: FeatureSet) throws(ContractError) -> [RecordReason] {
        var out: [RecordReason] = []
        for item in try f.objects("reasons") { out.append(try RecordReason(indexed: item, features: features)) }
        return out
    }

    /// The `reasons` member of a record or further decision with sentence reasons
    /// (`kinded`: a routing record of schema_version 2).
    static func list(_ f: Fields, kinded: Bool) throws(ContractError) -> [RecordReason] {
        var out: [RecordReason] = []
        for item in try f.objects("reasons") { out.append(try RecordReason(item, kinded: kinded)) }
        return out
    }
}
