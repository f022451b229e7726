import Hummingbird
import Logging

/// Turns every failure into a JSON error body with a stable code: ``APIError``s
/// as they are, the framework's HTTP errors (unknown route 404, oversized body
/// 413, …) by status, anything else as 500 `internal_error` (logged by type
/// only: an error's text may carry request data).
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = ReadModelRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIResponder.error(error)
        } catch let error as any HTTPResponseError {
            if error.status == .notFound, let allowed = ReadModelServer.allowedMethods(path: request.uri.path) {
                var response = APIResponder.error(
                    APIError(.methodNotAllowed, "method_not_allowed", "this route allows \(allowed.joined(separator: ", "))"))
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            return APIResponder.error(Self.apiError(status: error.status))
        } catch {
            context.logger.error("request failed: \(type(of: error))")
            return APIResponder.error(APIError(.internalServerError, "internal_error", "the request failed"))
        }
    }

    static func apiError(status: HTTPResponse.Status) -> APIError {
        switch status {
        case .notFound: APIError.notFound("route")
        case .contentTooLarge: APIError.payloadTooLarge
        case .methodNotAllowed: APIError(.methodNotAllowed, "method_not_allowed", "method not allowed on this route")
        case .unauthorized: APIError.unauthorized
        case .badRequest: APIError.badRequest("bad_request", "the request is malformed")
        default: APIError(status, "http_\(status.code)", status.reasonPhrase)
        }
    }
}
