/// Decodes the CRM change-event contract (`schemas/crm.events.schema.json`).
package enum CRMDecoder {
    /// Decodes one parsed CRM event.
    package static func decode(_ value: JSONValue) throws(ContractError) -> CRMEvent {
        let f = try Fields(value, path: "$")
        let eventID = try f.requiredString("event_id", nonEmpty: true)
        let typeText = try f.requiredString("type")
        let occurredAt = try f.requiredTimestamp("occurred_at")
        let source = try f.requiredString("source")
        let recordIDRaw = try f.string("record_id")
        guard let type = CRMEventType(rawValue: typeText) else {
            throw ContractError(.unsupportedType, field: "$.type", "$.type '\(typeText.prefix(60))' is not a CRM event type")
        }
        func requireRecordID() throws(ContractError) -> String {
            guard let r = recordIDRaw, !r.isEmpty else {
                throw ContractError(.missingIdentity, field: "$.record_id", "$.record_id is required for \(type.rawValue)")
            }
            return r
        }
        let payload: CRMEvent.Payload
        var recordID = recordIDRaw
        switch type {
        case .leadCreated, .leadUpdated, .contactCreated, .contactUpdated:
            recordID = try requireRecordID()
            let l = try f.requiredObject("lead")
            var p = CRMPersonFields()
            p.email = try l.email("email", required: false, trimming: true)
            p.firstName = try l.string("first_name")
            p.lastName = try l.string("last_name")
            p.title = try l.string("title")
            p.phone = try l.string("phone")
            p.company = try l.string("company")
            p.website = try l.string("website")
            p.country = try l.string("country")
            p.state = try l.string("state")
            p.employees = try l.nonNegativeInteger("employees")
            p.annualRevenue = try l.nonNegativeNumber("annual_revenue")
            p.industry = try l.string("industry")
            p.leadSource = try l.string("lead_source")
            p.custom = try CustomField.decode(l)
            payload = .person(p)
        case .accountUpserted:
            let a = try f.requiredObject("account")
            var acc = CRMAccountFields(accountID: try a.requiredString("account_id", nonEmpty: true, code: .missingIdentity))
            acc.name = try a.string("name")
            acc.domain = try a.string("domain")
            acc.industry = try a.string("industry")
            acc.employees = try a.nonNegativeInteger("employees")
            acc.annualRevenue = try a.nonNegativeNumber("annual_revenue")
            acc.country = try a.string("country")
            acc.ownerID = try a.string("owner_id")
            acc.parentDomain = try a.string("parent_domain")
            acc.custom = try CustomField.decode(a)
            payload = .account(acc)
        case .opportunityCreated, .opportunityStageChanged:
            let o = try f.requiredObject("opportunity")
            var opp = CRMOpportunityFields(opportunityID: try o.requiredString("opportunity_id", nonEmpty: true, code: .missingIdentity))
            opp.accountDomain = try o.string("account_domain")
            opp.stage = try o.string("stage")
            opp.amount = try o.nonNegativeNumber("amount")
            opp.closeDate = try o.string("close_date")
            opp.isClosed = try o.bool("is_closed")
            opp.isWon = try o.bool("is_won")
            switch o.obj["contact_emails"] {
            case nil, .null?: break
            case .array(let items)?:
                for (i, item) in items.enumerated() {
                    guard case .string(let raw) = item, case let s = EmailShape.trimmed(raw), EmailShape.matches(s) else {
                        throw ContractError(
                            .schemaViolation, field: "\(o.p("contact_emails"))[\(i)]",
                            "\(o.p("contact_emails"))[\(i)] must be an email address string")
                    }
                    opp.contactEmails.append(s)
                }
            case let v?:
                throw o.violation("contact_emails", "must be an array of emails or null, got \(v.typeName)")
            }
            payload = .opportunity(opp)
        case .activityLogged:
            let a = try f.requiredObject("activity")
            let kindText = try a.requiredString("kind")
            guard let kind = CRMActivityKind(rawValue: kindText) else {
                throw a.violation("kind", "must be one of call, meeting, email_reply, note")
            }
            let email = try a.email("email", required: true, trimming: true)!
            payload = .activity(CRMActivityFields(kind: kind, email: email, outcome: try a.string("outcome")))
        case .leadConverted, .leadDisqualified:
            recordID = try requireRecordID()
            let reason: String?
            if type == .leadDisqualified {
                reason = try f.requiredString("reason", nonEmpty: true)
            } else {
                reason = try f.string("reason")
            }
            payload = .outcome(
                reason: reason, email: try f.email("email", required: false, trimming: true),
                opportunityID: try f.string("opportunity_id"))
        case .overrideSet:
            recordID = try requireRecordID()
            let o = try f.requiredObject("override")
            var ov = CRMOverrideFields()
            if let t = try o.string("tier") {
                guard let tier = Tier(name: t) else {
                    throw o.violation("tier", "must be one of sales_ready, sales_develop, nurture, review, disqualified")
                }
                ov.tier = tier
            }
            ov.queue = try o.string("queue")
            ov.ownerID = try o.string("owner_id")
            ov.setBy = try o.string("set_by")
            ov.note = try o.string("note")
            payload = .override(ov)
        case .overrideCleared:
            recordID = try requireRecordID()
            payload = .override(nil)
        case .privacyErasure:
            payload = .erasure(email: try f.email("email", required: true, trimming: true)!)
        }
        return CRMEvent(
            eventID: eventID, type: type, occurredAt: occurredAt, source: source.lowercased(),
            recordID: recordID, payload: payload)
    }
}
