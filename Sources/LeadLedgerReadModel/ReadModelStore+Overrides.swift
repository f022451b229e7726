import GRDB

/// What the store keeps for `POST /v1/overrides`: responses by idempotency key,
/// and the override events the log already carries (by their CRM `event_id`),
/// so that a retry is answered without producing a second event, also by a
/// replica that did not take the first request once the event is in the log.
extension ReadModelStore {
    /// The stored response to an earlier request with this event id, with the digest of that request.
    package func idempotentResponse(_ eventID: String) throws(ReadModelError) -> (requestDigest: String, response: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT request_digest, response FROM idempotency WHERE event_id = ?", arguments: [eventID]).map {
                ($0["request_digest"], $0["response"])
            }
        }
    }

    /// Keeps the response to a request that produced its event.
    package func recordIdempotent(_ eventID: String, requestDigest: String, response: String) throws(ReadModelError) {
        do {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO idempotency (event_id, request_digest, response) VALUES (?, ?, ?)",
                    arguments: [eventID, requestDigest, response])
            }
        } catch {
            throw ReadModelError(.store, "cannot record the idempotency key: \(error)")
        }
    }

    /// An override event the log carries with this CRM event id: its lead, type and actor.
    package func overrideEvent(_ eventID: String) throws(ReadModelError) -> (leadID: String, type: String, setBy: String?)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT lead_id, type, set_by FROM override_event WHERE event_id = ?", arguments: [eventID]).map {
                ($0["lead_id"], $0["type"], $0["set_by"])
            }
        }
    }
}
