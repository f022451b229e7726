/// One attribute value.
package struct AttributeValue: Sendable, Equatable {
    package var name: AttributeName
    package var value: String
    package init(_ name: AttributeName, _ value: String) {
        self.name = name
        self.value = value
    }
}
