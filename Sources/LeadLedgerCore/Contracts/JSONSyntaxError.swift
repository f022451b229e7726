/// Why ``JSONParser/parseReportingOffset(_:limits:keepingIntegers:)`` rejected a
/// document, with the byte offset where it stopped kept apart from the reason.
package struct JSONSyntaxError: Error, Sendable, Equatable {
    /// The contract error code (`malformedJSON`, `invalidEncoding`, `nestingTooDeep`, `payloadTooLarge`).
    package var code: ContractError.Code
    /// What is wrong, without the position (`"expected ',' or '}'"`).
    package var reason: String
    /// The byte offset where parsing stopped; nil when the input was refused before parsing.
    package var offset: Int?

    /// Creates an error.
    package init(_ code: ContractError.Code, _ reason: String, offset: Int?) {
        self.code = code
        self.reason = reason
        self.offset = offset
    }

    /// The error as ``JSONParser/parse(_:limits:)`` throws it: the reason
    /// followed by ` at byte N`.
    package var contractError: ContractError {
        guard let offset else { return ContractError(code, reason) }
        return ContractError(code, "\(reason) at byte \(offset)")
    }

    /// The 1-based line and column of ``offset`` in `bytes` (the document that
    /// was parsed): lines end at `\n`, columns count bytes. Nil without an offset.
    package func location(in bytes: [UInt8]) -> (line: Int, column: Int)? {
        guard let offset else { return nil }
        var line = 1
        var column = 1
        for b in bytes[0..<min(offset, bytes.count)] {
            if b == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
