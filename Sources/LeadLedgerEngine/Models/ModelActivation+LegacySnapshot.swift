import LeadLedgerCore

extension ModelActivation {
    /// Decodes the model activation of a format-3 materialize snapshot (canonical
    /// JSON: `active`, `previous`, `shadows`, `history`, and `ruleset` once a
    /// rule-set event changed it), as the releases before the shared snapshot
    /// codec wrote it.
    init(legacyJSON bytes: [UInt8]) throws {
        func fail(_ reason: String) -> ModelRegistryError { ModelRegistryError(.invalidRecord, context: "model activation", reason) }
        self.init()
        guard
            case .object(let object) = try JSONParser.parseReportingOffset(
                bytes, limits: JSONLimits(maxBytes: 1 << 30), keepingIntegers: true)
        else { throw fail("not an object") }
        func strings(_ key: String, in object: JSONObject) throws -> [String] {
            guard case .array(let items) = object[key] else { throw fail("\(key) missing") }
            return try items.map {
                guard case .string(let s) = $0 else { throw fail("\(key) holds a non-string") }
                return s
            }
        }
        if case .string(let a) = object["active"] { model.active = a }
        model.previous = try strings("previous", in: object)
        shadows = try strings("shadows", in: object)
        if let value = object["ruleset"] {
            guard case .object(let rules) = value else { throw fail("ruleset is not an object") }
            if case .string(let a) = rules["active"] { ruleSet.active = a }
            ruleSet.previous = try strings("previous", in: rules)
        }
        guard case .array(let items) = object["history"] else { throw fail("history missing") }
        history = try items.map { item in
            guard case .object(let o) = item, case .int(let offset) = o["log_offset"], let eventValue = o["event"],
                case .string(let from) = o["from"], case .string(let to) = o["to"], case .string(let outcomeName) = o["outcome"],
                let outcome = Outcome(rawValue: outcomeName)
            else { throw fail("a history entry is incomplete") }
            let event = try ControlEvent(bytes: CanonicalJSON.encode(eventValue))
            return Change(logOffset: Int64(offset), event: event, from: from, to: to, outcome: outcome)
        }
    }
}
