/// One event of the CRM change-event contract.
package struct CRMEvent: Sendable, Equatable {
    /// The payload object that goes with ``type``.
    package enum Payload: Sendable, Equatable {
        case person(CRMPersonFields)
        case account(CRMAccountFields)
        case opportunity(CRMOpportunityFields)
        case activity(CRMActivityFields)
        /// `lead.converted` / `lead.disqualified`.
        case outcome(reason: String?, email: String?, opportunityID: String?)
        /// `override.set` carries fields; `override.cleared` carries none.
        case override(CRMOverrideFields?)
        /// `privacy.erasure` by email.
        case erasure(email: String)
    }

    package var eventID: String
    package var type: CRMEventType
    package var occurredAt: EventTime
    /// The CRM that emitted the event (`salesforce`, `hubspot`, ...), lower-cased.
    package var source: String
    /// CRM record id of the lead/contact/account the event is about.
    package var recordID: String?
    package var payload: Payload
}

// MARK: - Segment
