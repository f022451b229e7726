/// Decodes Segment Spec calls (`schemas/web.events.schema.json`).
///
/// Every call needs a `messageId`, an RFC 3339 `timestamp` and a non-empty
/// `userId` or `anonymousId` (`null` ids, as analytics.js sends, count as
/// absent). `track` needs `event`; `group` needs `groupId`. Page URL comes from
/// `context.page.url`, else `properties.url`.
package enum SegmentDecoder {
    /// Decodes one parsed Segment call.
    package static func decode(_ value: JSONValue) throws(ContractError) -> SegmentEvent {
        let f = try Fields(value, path: "$")
        let typeText = try f.requiredString("type")
        let messageID = try f.requiredString("messageId")
        let timestamp = try f.requiredTimestamp("timestamp")
        let userID = try f.string("userId").flatMap { $0.isEmpty ? nil : $0 }
        let anonymousID = try f.string("anonymousId").flatMap { $0.isEmpty ? nil : $0 }
        let traitsF = try f.object("traits")
        let propsF = try f.object("properties")
        let ctx = try f.object("context")
        let page = try ctx?.object("page")
        let campaign = try ctx?.object("campaign")
        guard let type = SegmentCallType(rawValue: typeText) else {
            throw ContractError(.unsupportedType, field: "$.type", "$.type '\(typeText.prefix(40))' is not identify, track, page or group")
        }
        guard userID != nil || anonymousID != nil else {
            throw ContractError(.missingIdentity, field: "$.userId", "$.userId or $.anonymousId must be a non-empty string")
        }
        var event: String?
        var groupID: String?
        switch type {
        case .track: event = try f.requiredString("event", nonEmpty: true)
        case .group: groupID = try f.requiredString("groupId", nonEmpty: true, code: .missingIdentity)
        case .identify, .page: break
        }
        var pageURL = try page?.string("url")
        var pagePath = try page?.string("path")
        let referrer = try page?.string("referrer")
        if pageURL == nil, case .string(let s)? = propsF?.obj["url"] { pageURL = s }
        if pagePath == nil, case .string(let s)? = propsF?.obj["path"] { pagePath = s }
        var category: String?
        if case .string(let s)? = propsF?.obj["category"] { category = s }
        let pageName: String? = {
            if case .string(let s)? = f.obj["name"] { return s }
            return nil
        }()
        return SegmentEvent(
            type: type, messageID: messageID, userID: userID, anonymousID: anonymousID, timestamp: timestamp,
            event: event, name: pageName, pageURL: pageURL, pagePath: pagePath, referrer: referrer,
            campaign: try campaign?.string("name"), category: category, groupID: groupID,
            traits: traits(traitsF), ip: try ctx?.string("ip"), userAgent: try ctx?.string("userAgent"))
    }

    /// Reads traits leniently: Segment traits are free-form, so a trait of an
    /// unexpected type is ignored, never a rejection (the schema does not constrain them).
    static func traits(_ t: Fields?) -> SegmentTraits {
        var out = SegmentTraits()
        guard let t else { return out }
        func s(_ keys: String...) -> String? {
            for k in keys { if case .string(let v)? = t.obj[k], !v.isEmpty { return v } }
            return nil
        }
        out.email = s("email")
        out.name = s("name")
        out.firstName = s("firstName", "first_name")
        out.lastName = s("lastName", "last_name")
        out.title = s("title")
        out.phone = s("phone")
        out.website = s("website")
        out.domain = s("domain")
        out.industry = s("industry")
        switch t.obj["company"] {
        case .string(let c)?: out.company = c
        case .object(let o)?: if case .string(let c)? = o["name"] { out.company = c }
        default: break
        }
        if let c = s("country") {
            out.country = c
        } else if case .object(let a)? = t.obj["address"], case .string(let c)? = a["country"] {
            out.country = c
        }
        switch t.obj["employees"] {
        case .number(let d)? where d >= 0 && d < 1e12: out.employees = Int(d)
        case .string(let v)?: out.employees = Int(v.filter { $0 != "," })
        default: break
        }
        return out
    }
}
