import LeadLedgerCore

/// The body of `POST /v1/overrides`, validated: pin a lead's tier, queue or
/// owner, or clear the pin. Parsed with the service's JSON reader; unknown
/// members, wrong types and empty requests are 400s with a stable code.
package struct OverrideRequest: Sendable, Equatable {
    package var leadID: String
    package var tier: Tier?
    package var queue: String?
    package var ownerID: String?
    package var note: String?
    package var clear: Bool

    /// The largest accepted body.
    package static let maxBodyBytes = 16 * 1024
    /// The longest accepted note.
    package static let maxNoteCharacters = 1000

    package init(leadID: String, tier: Tier? = nil, queue: String? = nil, ownerID: String? = nil, note: String? = nil, clear: Bool = false)
    {
        self.leadID = leadID
        self.tier = tier
        self.queue = queue
        self.ownerID = ownerID
        self.note = note
        self.clear = clear
    }

    /// Parses and validates a request body.
    package init(body: [UInt8]) throws(APIError) {
        let f: Fields
        do {
            f = try Fields(try JSONParser.parse(body, limits: JSONLimits(maxBytes: Self.maxBodyBytes, maxDepth: 4)), path: "$")
        } catch {
            throw APIError.badRequest("invalid_json", "the body must be one JSON object: \(error.reason)")
        }
        for member in f.obj.members where !["lead_id", "tier", "queue", "owner_id", "note", "clear"].contains(member.key) {
            throw APIError.badRequest("unknown_field", "unknown member \(String(member.key.prefix(64)))")
        }
        do {
            leadID = try RequestValidation.leadID(try f.requiredString("lead_id"))
            if let value = f.value("tier") {
                guard case .string(let text) = value, let tier = Tier(name: text) else {
                    throw APIError.badRequest(
                        "invalid_tier", "tier must be one of sales_ready, sales_develop, nurture, review, disqualified")
                }
                self.tier = tier
            } else {
                tier = nil
            }
            queue = try Self.name(f, "queue").map { text throws(APIError) in try RequestValidation.queue(text) }
            ownerID = try Self.name(f, "owner_id").map { text throws(APIError) in try RequestValidation.ownerID(text) }
            note = try f.string("note")
            if let value = f.value("clear") {
                guard case .bool(let flag) = value else { throw APIError.badRequest("invalid_field", "clear must be a boolean") }
                clear = flag
            } else {
                clear = false
            }
        } catch let error as APIError {
            throw error
        } catch let error as ContractError {
            throw APIError.badRequest("invalid_field", error.reason)
        } catch {
            throw APIError.badRequest("invalid_field", "invalid request")
        }
        if let note,
            note.unicodeScalars.count > Self.maxNoteCharacters
                || note.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        {
            throw APIError.badRequest(
                "invalid_note", "note must be at most \(Self.maxNoteCharacters) characters without control characters")
        }
        if clear, tier != nil || queue != nil || ownerID != nil {
            throw APIError.badRequest("conflicting_fields", "clear cannot be combined with tier, queue or owner_id")
        }
        if !clear, tier == nil, queue == nil, ownerID == nil {
            throw APIError.badRequest("empty_override", "give tier, queue or owner_id, or clear: true")
        }
    }

    /// The CRM change event (crm.events contract) that carries the override:
    /// `override.set` or `override.cleared` for `crmRecord` (`source:id`), naming
    /// the actor in `override.set_by`.
    package func crmEvent(eventID: String, crmRecord: String, setBy: String, occurredAt: EventTime) -> [UInt8] {
        let colon = crmRecord.firstIndex(of: ":") ?? crmRecord.startIndex
        let source = String(crmRecord[..<colon])
        let recordID = String(crmRecord[crmRecord.index(after: colon)...])
        var override: [JSONObject.Member] = [JSONObject.Member("set_by", .string(setBy))]
        if let tier { override.append(JSONObject.Member("tier", .string(tier.name))) }
        if let queue { override.append(JSONObject.Member("queue", .string(queue))) }
        if let ownerID { override.append(JSONObject.Member("owner_id", .string(ownerID))) }
        if let note { override.append(JSONObject.Member("note", .string(note))) }
        let members: [JSONObject.Member] = [
            JSONObject.Member("event_id", .string(eventID)),
            JSONObject.Member("type", .string(eventType)),
            JSONObject.Member("occurred_at", .string(occurredAt.rfc3339)),
            JSONObject.Member("source", .string(source)),
            JSONObject.Member("record_id", .string(recordID)),
            JSONObject.Member("override", .object(JSONObject(override))),
        ]
        return CanonicalJSON.encode(.object(JSONObject(members)))
    }

    /// A string member that must be a string when present (null is not "absent" here).
    private static func name(_ f: Fields, _ key: String) throws(APIError) -> String? {
        guard let value = f.value(key) else { return nil }
        guard case .string(let text) = value else { throw APIError.badRequest("invalid_field", "\(key) must be a string") }
        return text
    }

    /// `override.set` or `override.cleared`.
    package var eventType: String { clear ? "override.cleared" : "override.set" }
}
