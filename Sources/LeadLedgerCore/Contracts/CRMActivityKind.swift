/// Kinds of `activity.logged`.
package enum CRMActivityKind: String, Sendable, CaseIterable, Codable {
    case call, meeting
    case emailReply = "email_reply"
    case note
}
