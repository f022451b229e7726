/// A record of `leadledger.events`, the canonical append-only log: a
/// resolved, normalized event keyed by account (``key``).
///
/// JSON shape (`schemas/leadledger.events.schema.json`), keys sorted:
/// ```json
/// {"account_id":"acme.io","event_id":"ev_…","event_time":"2024-04-02T08:30:00.000Z",
///  "kind":"engagement","lead_id":"ld_…","payload":{…},"schema_version":1,
///  "source":{"external_id":"…","offset":17,"partition":0,"seq":0,"system":"web","topic":"web.events"}}
/// ```
package struct CanonicalEvent: Sendable, Equatable {
    /// Version of the log record format.
    package static let schemaVersion = 1

    package var eventTime: EventTime
    package var leadID: LeadID?
    package var accountID: AccountID?
    package var lineage: Lineage
    package var payload: CanonicalPayload

    package init(eventTime: EventTime, leadID: LeadID?, accountID: AccountID?, lineage: Lineage, payload: CanonicalPayload) {
        self.eventTime = eventTime
        self.leadID = leadID
        self.accountID = accountID
        self.lineage = lineage
        self.payload = payload
    }

    /// `ev_` + FNV-1a 64 of `topic/partition/offset/seq`: the same source
    /// message always yields the same event ids.
    package var eventID: String {
        let p = lineage.position
        var h = StableHash()
        var topic = p.topic
        topic.withUTF8 { h.combine($0) }
        h.byte(0x2F)
        h.decimal(Int64(p.partition))
        h.byte(0x2F)
        h.decimal(p.offset)
        h.byte(0x2F)
        h.decimal(Int64(lineage.seq))
        return "ev_" + Text.hex16(h.value)
    }

    /// The Kafka key: the account id, else the lead id.
    package var key: String { accountID?.rawValue ?? leadID?.description ?? "unresolved" }
}
