/// A contact of an account, with its buying-center classification.
package struct Contact: Sendable, Equatable {
    package var lead: LeadID
    package var role: BuyingRole
    package var seniority: Seniority
    package var function: JobFunction
    package var lastEngaged: EventTime?
}
