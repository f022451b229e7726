import Hummingbird
import HummingbirdAuth

/// Authenticates `Authorization: Bearer <token>` against the token file's
/// digests. A request without a valid token passes on unauthenticated; each
/// route then requires its role (``ReadModelRequestContext/require(_:)``).
struct BearerTokenAuthenticator: AuthenticatorMiddleware {
    typealias Context = ReadModelRequestContext
    let tokens: TokenFile

    func authenticate(request: Request, context: Context) async throws -> TokenFile.Identity? {
        guard let bearer = request.headers.bearer else { return nil }
        return tokens.authenticate(bearer.token)
    }
}
