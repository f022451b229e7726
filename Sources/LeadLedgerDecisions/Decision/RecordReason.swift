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
    /// `gate` for the gate rule that set the tier (always the first reason when
    /// present); nil for a feature's contribution.
    package var kind: String?

    package init(feature: String, value: Value?, contribution: Double, text: String, kind: String? = nil) {
        self.feature = feature
        self.value = value
        self.contribution = contribution
        self.text = text
        self.kind = kind
    }

    /// Decodes one reason object.
    package init(_ f: Fields) throws(ContractError) {
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
        self.init(
            feature: try f.requiredString("feature"), value: value,
            contribution: try f.requiredNumber("contribution"), text: try f.requiredString("text"),
            kind: try f.string("kind"))
    }

    /// The `reasons` member of a record or further decision.
    static func list(_ f: Fields) throws(ContractError) -> [RecordReason] {
        var out: [RecordReason] = []
        for item in try f.objects("reasons") { out.append(try RecordReason(item)) }
        return out
    }
}
