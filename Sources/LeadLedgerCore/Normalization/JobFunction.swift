/// Job functions derived from a job title.
package enum JobFunction: String, Sendable, CaseIterable, Codable {
    case sales, marketing, engineering, finance, operations, it, hr, legal, product, executive, other
}
