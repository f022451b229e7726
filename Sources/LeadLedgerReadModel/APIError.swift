import HTTPTypes

/// An API failure: an HTTP status and a stable machine-readable code, sent as
/// `{"error": code, "message": …}`. Messages never echo personal data.
package struct APIError: Error, Sendable, Equatable {
    package var status: HTTPResponse.Status
    package var code: String
    package var message: String

    package init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    package static let unauthorized = APIError(.unauthorized, "unauthorized", "a valid bearer token is required")
    package static func forbidden(_ role: AccessRole) -> APIError {
        APIError(.forbidden, "forbidden", "this needs the \(role.rawValue) role or higher")
    }
    package static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", "\(what) not found") }
    package static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code, message) }
    package static let payloadTooLarge = APIError(.contentTooLarge, "payload_too_large", "the request body is larger than the limit")
}
