/// A failure of the read model outside a request (token file, store, consumer),
/// with a stable code.
package struct ReadModelError: Error, Sendable, CustomStringConvertible {
    /// Stable codes.
    package enum Code: String, Sendable {
        case invalidTokenFile = "invalid_token_file"
        case store = "store_failed"
        case consumer = "consumer_failed"
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
