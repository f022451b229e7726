extension CanonicalEvent {
    /// The record as JSON (encode with ``CanonicalJSON`` for the log's bytes).
    package var json: JSONValue {
        func obj(_ pairs: [(String, JSONValue?)]) -> JSONValue {
            .object(JSONObject(pairs.compactMap { k, v in v.map { JSONObject.Member(k, $0) } }))
        }
        func s(_ v: String?) -> JSONValue? { v.map { .string($0) } }
        func n(_ v: Double?) -> JSONValue? { v.map { .number($0) } }
        func b(_ v: Bool?) -> JSONValue? { v.map { .bool($0) } }
        let payloadJSON: JSONValue
        switch payload {
        case .identityLinked(let ids):
            payloadJSON = obj([
                ("identifiers", .array(ids.map { obj([("kind", .string($0.kind.rawValue)), ("value", .string($0.value))]) }))
            ])
        case .identityMerged(let absorbed):
            payloadJSON = obj([("absorbed_lead_id", .string(absorbed.description))])
        case .attributes(let attrs):
            payloadJSON = obj([
                ("attributes", .array(attrs.map { obj([("name", .string($0.name.rawValue)), ("value", .string($0.value))]) }))
            ])
        case .customFields(let fields):
            payloadJSON = obj([("custom", customJSON(fields))])
        case .engagement(let e):
            payloadJSON = obj([
                ("action", .string(e.action.rawValue)), ("category", .string(e.category.rawValue)),
                ("content", s(e.content)), ("campaign", s(e.campaign)), ("detail", s(e.detail)),
            ])
        case .accountUpserted(let a):
            payloadJSON = obj([
                ("name", s(a.name)), ("domain", s(a.domain)), ("industry", s(a.industry)),
                ("employees", n(a.employees.map(Double.init))), ("annual_revenue", n(a.annualRevenue)),
                ("country", s(a.country)), ("owner_id", s(a.ownerID)), ("parent_account_id", s(a.parent?.rawValue)),
                ("crm_account_id", s(a.crmAccountID)), ("custom", a.custom.isEmpty ? nil : customJSON(a.custom)),
            ])
        case .accountLinked(let m):
            payloadJSON = obj([("method", .string(m.rawValue))])
        case .opportunity(let o):
            payloadJSON = obj([
                ("opportunity_id", .string(o.opportunityID)), ("stage", s(o.stage)), ("amount", n(o.amount)),
                ("close_date", s(o.closeDate)), ("is_closed", b(o.isClosed)), ("is_won", b(o.isWon)),
                ("contact_lead_ids", .array(o.contacts.map { .string($0.description) })),
            ])
        case .outcome(let kind, let reason, let opp):
            payloadJSON = obj([("outcome", .string(kind.rawValue)), ("reason", s(reason)), ("opportunity_id", s(opp))])
        case .overrideSet(let o):
            payloadJSON = obj([
                ("tier", s(o.tier?.name)), ("queue", s(o.queue)), ("owner_id", s(o.ownerID)),
                ("set_by", s(o.setBy)), ("note", s(o.note)),
            ])
        case .overrideCleared, .erasure:
            payloadJSON = obj([])
        }
        let p = lineage.position
        return obj([
            ("schema_version", .number(Double(Self.schemaVersion))),
            ("event_id", .string(eventID)),
            ("kind", .string(payload.kind)),
            ("event_time", .string(eventTime.rfc3339)),
            ("lead_id", leadID.map { .string($0.description) } ?? .null),
            ("account_id", accountID.map { .string($0.rawValue) } ?? .null),
            (
                "source",
                obj([
                    ("topic", .string(p.topic)), ("partition", .number(Double(p.partition))),
                    ("offset", .number(Double(p.offset))), ("seq", .number(Double(lineage.seq))),
                    ("system", .string(lineage.system.rawValue)), ("external_id", s(lineage.externalID)),
                ])
            ),
            ("payload", payloadJSON),
        ])
    }

    /// The record's bytes as written to `leadledger.events` (canonical JSON):
    /// exactly `CanonicalJSON.encode(json)`, written directly (keys in sorted
    /// order, nil members left out) without building the `JSONValue` tree.
    package var encoded: [UInt8] {
        var w = CanonicalWriter()
        w.open()
        if let a = accountID { w.string("account_id", a.rawValue) } else { w.null("account_id") }
        w.string("event_id", eventID)
        w.string("event_time", eventTime.rfc3339)
        w.string("kind", payload.kind)
        if let l = leadID { w.string("lead_id", l.description) } else { w.null("lead_id") }
        w.key("payload")
        w.open()
        switch payload {
        case .identityLinked(let ids):
            w.key("identifiers")
            w.openArray()
            for id in ids {
                w.element()
                w.open()
                w.string("kind", id.kind.rawValue)
                w.string("value", id.value)
                w.close()
            }
            w.closeArray()
        case .identityMerged(let absorbed):
            w.string("absorbed_lead_id", absorbed.description)
        case .attributes(let attrs):
            w.key("attributes")
            w.openArray()
            for a in attrs {
                w.element()
                w.open()
                w.string("name", a.name.rawValue)
                w.string("value", a.value)
                w.close()
            }
            w.closeArray()
        case .customFields(let fields):
            w.custom(fields)
        case .engagement(let e):
            w.string("action", e.action.rawValue)
            w.string("campaign", e.campaign)
            w.string("category", e.category.rawValue)
            w.string("content", e.content)
            w.string("detail", e.detail)
        case .accountUpserted(let a):
            w.number("annual_revenue", a.annualRevenue)
            w.string("country", a.country)
            w.string("crm_account_id", a.crmAccountID)
            if !a.custom.isEmpty { w.custom(a.custom) }
            w.string("domain", a.domain)
            w.number("employees", a.employees.map(Double.init))
            w.string("industry", a.industry)
            w.string("name", a.name)
            w.string("owner_id", a.ownerID)
            w.string("parent_account_id", a.parent?.rawValue)
        case .accountLinked(let m):
            w.string("method", m.rawValue)
        case .opportunity(let o):
            w.number("amount", o.amount)
            w.string("close_date", o.closeDate)
            w.key("contact_lead_ids")
            w.openArray()
            for c in o.contacts {
                w.element()
                w.value(c.description)
            }
            w.closeArray()
            w.bool("is_closed", o.isClosed)
            w.bool("is_won", o.isWon)
            w.string("opportunity_id", o.opportunityID)
            w.string("stage", o.stage)
        case .outcome(let kind, let reason, let opp):
            w.string("opportunity_id", opp)
            w.string("outcome", kind.rawValue)
            w.string("reason", reason)
        case .overrideSet(let o):
            w.string("note", o.note)
            w.string("owner_id", o.ownerID)
            w.string("queue", o.queue)
            w.string("set_by", o.setBy)
            w.string("tier", o.tier?.name)
        case .overrideCleared, .erasure:
            break
        }
        w.close()
        w.number("schema_version", Double(Self.schemaVersion))
        let p = lineage.position
        w.key("source")
        w.open()
        w.string("external_id", lineage.externalID)
        w.number("offset", Double(p.offset))
        w.number("partition", Double(p.partition))
        w.number("seq", Double(lineage.seq))
        w.string("system", lineage.system.rawValue)
        w.string("topic", p.topic)
        w.close()
        w.close()
        return w.out
    }

    /// Decodes a `leadledger.events` record (what the materialize stage reads).
    package init(bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(ContractError) {
        try self.init(json: JSONParser.parse(bytes, limits: limits))
    }

    /// Decodes a parsed `leadledger.events` record.
    package init(json: JSONValue) throws(ContractError) {
        let f = try Fields(json, path: "$")
        guard case .number(let v)? = f.obj["schema_version"], v == Double(Self.schemaVersion) else {
            throw ContractError(.schemaViolation, field: "$.schema_version", "$.schema_version must be \(Self.schemaVersion)")
        }
        let kind = try f.requiredString("kind")
        let time = try f.requiredTimestamp("event_time")
        var lead: LeadID?
        if let t = try f.string("lead_id") {
            guard let l = LeadID(t) else { throw f.violation("lead_id", "is not ld_ + 16 hex digits") }
            lead = l
        }
        let account = try f.string("account_id").map(AccountID.init)
        let src = try f.requiredObject("source")
        func int(_ o: Fields, _ k: String) throws(ContractError) -> Int64 {
            guard let v = try o.nonNegativeInteger(k) else { throw o.violation(k, "is required") }
            return Int64(v)
        }
        let position = SourcePosition(
            topic: try src.requiredString("topic", nonEmpty: true),
            partition: Int32(clamping: try int(src, "partition")), offset: try int(src, "offset"))
        guard let system = SourceSystem(rawValue: try src.requiredString("system")) else {
            throw src.violation("system", "must be crm, web or email")
        }
        let lineage = Lineage(position: position, seq: Int(try int(src, "seq")), externalID: try src.string("external_id"), system: system)
        let p = try f.requiredObject("payload")
        func enumValue<E: RawRepresentable>(_ o: Fields, _ k: String, _: E.Type) throws(ContractError) -> E where E.RawValue == String {
            guard let e = E(rawValue: try o.requiredString(k)) else { throw o.violation(k, "has an unknown value") }
            return e
        }
        func array(_ o: Fields, _ k: String) throws(ContractError) -> [JSONValue] {
            guard case .array(let a)? = o.obj[k] else { throw o.violation(k, "must be an array") }
            return a
        }
        func leadIDs(_ items: [JSONValue], _ path: String) throws(ContractError) -> [LeadID] {
            var out: [LeadID] = []
            for item in items {
                guard case .string(let t) = item, let l = LeadID(t) else {
                    throw ContractError(.schemaViolation, field: path, "\(path) must hold lead ids")
                }
                out.append(l)
            }
            return out
        }
        let payload: CanonicalPayload
        switch kind {
        case "identity.linked":
            var ids: [Identifier] = []
            let itemPath = p.p("identifiers[]")
            for item in try array(p, "identifiers") {
                let o = try Fields(item, path: itemPath)
                ids.append(Identifier(try enumValue(o, "kind", IdentifierKind.self), try o.requiredString("value", nonEmpty: true)))
            }
            payload = .identityLinked(ids)
        case "identity.merged":
            guard let a = LeadID(try p.requiredString("absorbed_lead_id")) else {
                throw p.violation("absorbed_lead_id", "is not a lead id")
            }
            payload = .identityMerged(absorbed: a)
        case "lead.attributes":
            var attrs: [AttributeValue] = []
            let itemPath = p.p("attributes[]")
            for item in try array(p, "attributes") {
                let o = try Fields(item, path: itemPath)
                attrs.append(AttributeValue(try enumValue(o, "name", AttributeName.self), try o.requiredString("value")))
            }
            payload = .attributes(attrs)
        case "lead.custom_fields":
            payload = .customFields(try CustomField.decode(p, allowsSealed: true))
        case "engagement":
            payload = .engagement(
                Engagement(
                    action: try enumValue(p, "action", EngagementAction.self),
                    category: try enumValue(p, "category", ContentCategory.self),
                    content: try p.string("content"), campaign: try p.string("campaign"), detail: try p.string("detail")))
        case "account.upserted":
            var a = AccountFacts()
            a.name = try p.string("name")
            a.domain = try p.string("domain")
            a.industry = try p.string("industry")
            a.employees = try p.nonNegativeInteger("employees")
            a.annualRevenue = try p.nonNegativeNumber("annual_revenue")
            a.country = try p.string("country")
            a.ownerID = try p.string("owner_id")
            a.parent = try p.string("parent_account_id").map(AccountID.init)
            a.crmAccountID = try p.string("crm_account_id")
            a.custom = try CustomField.decode(p)
            payload = .accountUpserted(a)
        case "account.linked":
            payload = .accountLinked(try enumValue(p, "method", AccountLinkMethod.self))
        case "opportunity.upserted":
            var o = OpportunityFacts(opportunityID: try p.requiredString("opportunity_id", nonEmpty: true))
            o.stage = try p.string("stage")
            o.amount = try p.nonNegativeNumber("amount")
            o.closeDate = try p.string("close_date")
            o.isClosed = try p.bool("is_closed")
            o.isWon = try p.bool("is_won")
            o.contacts = try leadIDs(try array(p, "contact_lead_ids"), p.p("contact_lead_ids"))
            payload = .opportunity(o)
        case "lead.outcome":
            payload = .outcome(
                kind: try enumValue(p, "outcome", OutcomeKind.self), reason: try p.string("reason"),
                opportunityID: try p.string("opportunity_id"))
        case "override.set":
            var o = CRMOverrideFields()
            if let t = try p.string("tier") {
                guard let tier = Tier(name: t) else { throw p.violation("tier", "is not a tier") }
                o.tier = tier
            }
            o.queue = try p.string("queue")
            o.ownerID = try p.string("owner_id")
            o.setBy = try p.string("set_by")
            o.note = try p.string("note")
            payload = .overrideSet(o)
        case "override.cleared": payload = .overrideCleared
        case "privacy.erasure": payload = .erasure
        default:
            throw ContractError(.unsupportedType, field: "$.kind", "$.kind '\(kind.prefix(40))' is not a canonical event kind")
        }
        self.init(eventTime: time, leadID: lead, accountID: account, lineage: lineage, payload: payload)
        let declared = try f.requiredString("event_id")
        guard declared == eventID else {
            throw ContractError(.schemaViolation, field: "$.event_id", "$.event_id does not match the id derived from $.source")
        }
    }
}

/// The `custom` object of a payload as a JSON tree.
func customJSON(_ fields: [CustomField]) -> JSONValue {
    .object(
        JSONObject(
            fields.map { field in
                switch field.value {
                case .string(let s): JSONObject.Member(field.key, .string(s))
                case .number(let d): JSONObject.Member(field.key, .number(d))
                case .bool(let b): JSONObject.Member(field.key, .bool(b))
                }
            }))
}
