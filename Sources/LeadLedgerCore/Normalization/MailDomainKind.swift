/// What kind of mailbox domain an email address has.
package enum MailDomainKind: String, Sendable, CaseIterable, Codable {
    /// A company's own domain: evidence of the account.
    case corporate
    /// A consumer provider (gmail.com, outlook.com, ...): never evidence of an account.
    case free
    /// A throw-away mailbox service: never evidence of an account.
    case disposable
}
