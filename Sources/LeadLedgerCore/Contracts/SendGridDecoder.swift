/// Decodes SendGrid Event Webhook events (`schemas/email.events.schema.json`):
/// one object, or the webhook's batch form, a non-empty JSON array of objects.
package enum SendGridDecoder {
    /// Largest accepted unix timestamp (9999-12-31T23:59:59Z), as in the schema.
    package static let maxTimestamp: Double = 253_402_300_799

    /// Decodes one parsed message into one or more events.
    package static func decode(_ value: JSONValue) throws(ContractError) -> [SendGridEvent] {
        switch value {
        case .object:
            return [try decodeOne(value, path: "$")]
        case .array(let items):
            guard !items.isEmpty else { throw ContractError(.schemaViolation, field: "$", "$ is an empty batch array") }
            var out: [SendGridEvent] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() { out.append(try decodeOne(item, path: "$[\(i)]")) }
            return out
        default:
            throw ContractError(.schemaViolation, field: "$", "$ must be an event object or an array of them, got \(value.typeName)")
        }
    }

    static func decodeOne(_ value: JSONValue, path: String) throws(ContractError) -> SendGridEvent {
        let f = try Fields(value, path: path)
        let email = try f.email("email", required: true)!
        guard let tv = f.obj["timestamp"] else {
            throw ContractError(.invalidTimestamp, field: f.p("timestamp"), "required timestamp \(f.p("timestamp")) is missing")
        }
        guard case .number(let ts) = tv, ts == ts.rounded(), ts >= 0, ts <= maxTimestamp else {
            throw ContractError(
                .invalidTimestamp, field: f.p("timestamp"),
                "\(f.p("timestamp")) must be unix seconds (an integer from 0 to \(Int64(maxTimestamp)))")
        }
        let eventText = try f.requiredString("event")
        let sgEventID = try f.string("sg_event_id")
        let sgMessageID = try f.string("sg_message_id")
        let url = try f.string("url")
        var categories: [String] = []
        switch f.obj["category"] {
        case nil, .null?: break
        case .string(let s)?: categories = [s]
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    throw ContractError(.schemaViolation, field: "\(f.p("category"))[\(i)]", "\(f.p("category"))[\(i)] must be a string")
                }
                categories.append(s)
            }
        case let v?: throw f.violation("category", "must be a string or an array of strings, got \(v.typeName)")
        }
        let reason = try f.string("reason")
        let bounceType = try f.string("type")
        let campaignID = try f.stringOrInteger("campaign_id")
        let asm = try f.nonNegativeInteger("asm_group_id")
        guard let event = SendGridEventType(rawValue: eventText) else {
            throw ContractError(
                .unsupportedType, field: f.p("event"), "\(f.p("event")) '\(eventText.prefix(40))' is not a SendGrid event type")
        }
        return SendGridEvent(
            email: email, timestamp: EventTime(seconds: Int64(ts)), event: event,
            sgEventID: sgEventID, sgMessageID: sgMessageID, url: url, categories: categories,
            reason: reason, bounceType: bounceType, campaignID: campaignID, asmGroupID: asm)
    }
}
