import Hummingbird
import HummingbirdAuth

/// The per-request context of the read model's API: the authenticated token's identity, if any.
package struct ReadModelRequestContext: AuthRequestContext, RequestContext {
    package var coreContext: CoreRequestContextStorage
    package var identity: TokenFile.Identity?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
    }

    /// Bodies larger than this are refused (413) before they are read.
    package var maxUploadSize: Int { OverrideRequest.maxBodyBytes }

    /// The identity, if its role permits `role`; 401 without a valid token, 403 with a lesser role.
    package func require(_ role: AccessRole) throws(APIError) -> TokenFile.Identity {
        guard let identity else { throw APIError.unauthorized }
        guard identity.role.permits(role) else { throw APIError.forbidden(role) }
        return identity
    }
}
