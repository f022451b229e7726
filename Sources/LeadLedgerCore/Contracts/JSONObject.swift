/// A JSON object: members in document order.
package struct JSONObject: Sendable, Equatable {
    /// One `"key": value` member.
    package struct Member: Sendable, Equatable {
        package var key: String
        package var value: JSONValue
        package init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Members in document order (duplicates kept).
    package var members: [Member]

    /// Creates an object from members.
    package init(_ members: [Member] = []) { self.members = members }

    /// The value of the last member named `key`, or nil.
    package subscript(_ key: String) -> JSONValue? {
        var i = members.count - 1
        while i >= 0 {
            if members[i].key == key { return members[i].value }
            i -= 1
        }
        return nil
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Creates an object from `["key": value, …]`, members in the order written.
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.members = elements.map { Member($0.0, $0.1) }
    }
}
