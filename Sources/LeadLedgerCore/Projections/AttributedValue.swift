/// An attribute value with its provenance.
package struct AttributedValue: Sendable, Equatable {
    package var name: AttributeName
    package var value: String
    package var provenance: Provenance
}
