import LeadLedgerCore

/// Inbound messages in the shapes real sources send (Segment, SendGrid, a CRM),
/// built from a few values. The acceptance checks (``B2BScenario``,
/// ``MonotonicityCheck``) feed them through the same decoders, identity resolver,
/// projections and decider as the engine; tests use them too.
package enum SampleMessage {
    /// A CRM `lead.created` (or `type`) of `record` with the lead payload members `fields` (JSON, without braces).
    package static func crmLead(_ record: String, at time: String, _ fields: String, type: String = "lead.created") -> String {
        #"{"event_id":"\#(record)-\#(type)-\#(time)","type":"\#(type)","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(record)","lead":{\#(fields)}}"#
    }

    /// A CRM `account.upserted`.
    package static func accountUpsert(_ id: String, domain: String, owner: String? = nil, employees: Int? = nil, at time: String)
        -> String
    {
        let o = owner.map { #","owner_id":"\#($0)""# } ?? ""
        let e = employees.map { #","employees":\#($0)"# } ?? ""
        return
            #"{"event_id":"acc-\#(id)-\#(time)","type":"account.upserted","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(id)","account":{"account_id":"\#(id)","name":"\#(id)","domain":"\#(domain)"\#(o)\#(e)}}"#
    }

    /// A CRM `activity.logged` of `kind` (call, meeting, email_reply, note) with an optional outcome.
    package static func crmActivity(_ record: String, email: String, kind: String, outcome: String?, at time: String) -> String {
        let o = outcome.map { #""\#($0)""# } ?? "null"
        return
            #"{"event_id":"act-\#(record)-\#(time)","type":"activity.logged","occurred_at":"\#(time)","source":"salesforce","record_id":"\#(record)","activity":{"kind":"\#(kind)","email":"\#(email)","outcome":\#(o)}}"#
    }

    /// A Segment `page` call.
    package static func pageView(user: String, path: String, at time: String, id: String) -> String {
        #"{"type":"page","messageId":"\#(id)","userId":"\#(user)","timestamp":"\#(time)","context":{"page":{"url":"https://vendor.io\#(path)","path":"\#(path)"}}}"#
    }

    /// A Segment `identify` with email and title traits.
    package static func segmentIdentify(user: String, email: String, title: String, at time: String, id: String) -> String {
        #"{"type":"identify","messageId":"\#(id)","userId":"\#(user)","timestamp":"\#(time)","context":{"library":{"name":"analytics.js","version":"2.11.1"}},"traits":{"email":"\#(email)","title":"\#(title)"}}"#
    }

    /// A Segment `track` of `event` on page `path`.
    package static func segmentTrack(user: String, event: String, path: String, at time: String, id: String) -> String {
        #"{"type":"track","event":"\#(event)","messageId":"\#(id)","userId":"\#(user)","timestamp":"\#(time)","context":{"page":{"path":"\#(path)","url":"https://vendor.io\#(path)"}},"properties":{"plan":"enterprise"}}"#
    }

    /// A one-event SendGrid webhook batch (`open`, `click` with `url`, `unsubscribe`, `bounce`, `spamreport`, …).
    package static func sendGrid(email: String, event: String, url: String?, at time: String, id: String) -> String {
        let seconds = (EventTime.parseRFC3339(time)?.milliseconds ?? 0) / 1000
        let u = url.map { #","url":"\#($0)""# } ?? ""
        let extra = event == "bounce" ? #","type":"bounce","reason":"550 5.1.1 unknown user""# : ""
        return
            #"[{"email":"\#(email)","timestamp":\#(seconds),"event":"\#(event)","sg_event_id":"\#(id)","sg_message_id":"msg-\#(id)"\#(u)\#(extra)}]"#
    }
}
