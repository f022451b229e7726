import Hummingbird
import LeadLedgerCore
import NIOCore

/// The operations server's request rules, in front of every route (unknown ones
/// included): GET only (405), no body (413), the optional bearer token (401),
/// and every error as a JSON body (`{"error":"...","status":N}`, 404 for an
/// unknown route).
struct OperationsMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: MetricsToken?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get else {
            return OperationsResponse.error(.methodNotAllowed, "only GET is served", headers: [.allow: "GET"])
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > 0 {
            return OperationsResponse.error(.contentTooLarge, "requests to this server carry no body")
        }
        if request.headers[.transferEncoding] != nil {
            return OperationsResponse.error(.contentTooLarge, "requests to this server carry no body")
        }
        if let token, !token.accepts(authorization: request.headers[.authorization]) {
            return OperationsResponse.error(.unauthorized, "a bearer token is required", headers: [.wwwAuthenticate: "Bearer"])
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let reason = error.status == .notFound ? "no such route: \(request.uri.path)" : error.status.reasonPhrase
            return OperationsResponse.error(error.status, reason)
        }
    }
}
