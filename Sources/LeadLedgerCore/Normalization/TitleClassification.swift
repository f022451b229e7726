/// The classification of one title.
package struct TitleClassification: Sendable, Equatable {
    package var seniority: Seniority
    package var function: JobFunction
    package var role: BuyingRole
}
