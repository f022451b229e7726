import Foundation
import Hummingbird
import HummingbirdAuth
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerOperations
import Logging

/// The read model's HTTP API (`/v1`, docs/api.md and docs/openapi.yaml) and the
/// dashboard's static files (`/`), on Hummingbird.
package struct ReadModelServer: Sendable {
    package let store: ReadModelStore
    package let tokens: TokenFile
    package let overrides: OverrideService
    /// SLA hours by queue name (from the routing rules).
    package let slaHours: [String: Double]
    package let logger: Logger
    /// The consumer's progress, for `/health/ready` (nil: always ready, e.g. in tests without a consumer).
    package let progress: ReadModelProgress?
    /// The engine's lag per stage, for `GET /v1/lag` (nil: not measured, e.g. in tests without a broker).
    package let lag: StageLagMonitor?
    /// The model-lifecycle actions (`POST /v1/models/…`; nil: answered 503 `not_available`).
    package let models: ModelControlService?

    package init(
        store: ReadModelStore, tokens: TokenFile, overrides: OverrideService, slaHours: [String: Double], logger: Logger,
        progress: ReadModelProgress? = nil, lag: StageLagMonitor? = nil, models: ModelControlService? = nil
    ) {
        self.store = store
        self.tokens = tokens
        self.overrides = overrides
        self.slaHours = slaHours
        self.logger = logger
        self.progress = progress
        self.lag = lag
        self.models = models
    }

    /// The router: error mapping, authentication, every route.
    package func makeRouter() -> Router<ReadModelRequestContext> {
        let router = Router(context: ReadModelRequestContext.self)
        // Request counts and durations per route (`hb_requests_total`, `hb_request_duration`, …).
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: BearerTokenAuthenticator(tokens: tokens))
        let store = self.store
        let slaHours = self.slaHours
        let overrides = self.overrides

        // Probes and metrics stay open, as scrape conventions expect (no token, no personal data).
        let progress = self.progress
        router.get("/health/live") { _, _ in try APIResponder.json(APIResponse.Health(status: "live", reason: nil)) }
        router.get("/health/ready") { _, _ in
            guard let progress, !progress.isReady else { return try APIResponder.json(APIResponse.Health(status: "ready", reason: nil)) }
            return try APIResponder.json(
                APIResponse.Health(
                    status: "not_ready",
                    reason: "catching up: \(progress.caughtUpCount) of \(progress.partitions) partitions have reached their end"),
                status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in APIResponder.asset(PrometheusBootstrap.render(), contentType: "text/plain; version=0.0.4") }
        router.get("/") { _, _ in APIResponder.asset(DashboardAssets.index, contentType: "text/html; charset=utf-8") }
        router.get("/dashboard.js") { _, _ in APIResponder.asset(DashboardAssets.script, contentType: "text/javascript; charset=utf-8") }
        router.get("/dashboard.css") { _, _ in APIResponder.asset(DashboardAssets.style, contentType: "text/css; charset=utf-8") }

        router.get("/v1/leads/{lead_id}") { _, context in
            let identity = try context.require(.viewer)
            let leadID = try RequestValidation.leadID(context.parameters.get("lead_id") ?? "")
            guard let lead = try store.lead(leadID) else { throw APIError.notFound("lead") }
            return try APIResponder.json(Self.masked(lead, for: identity.role))
        }
        router.get("/v1/leads") { request, context in
            _ = try context.require(.analyst)
            guard let email = request.uri.queryParameters.get("email") else {
                throw APIError.badRequest("missing_email", "give ?email=ADDRESS")
            }
            let key = try RequestValidation.emailKey(email)
            return try APIResponder.json(APIResponse.LeadSearch(leads: try store.leads(emailKey: key)))
        }
        router.get("/v1/decisions/{decision_id}") { _, context in
            _ = try context.require(.viewer)
            let id = try RequestValidation.decisionID(context.parameters.get("decision_id") ?? "")
            guard let record = try store.decision(id) else { throw APIError.notFound("decision") }
            return try APIResponder.json(record)
        }
        router.get("/v1/accounts/{account_id}") { _, context in
            let identity = try context.require(.viewer)
            let id = try RequestValidation.accountID(context.parameters.get("account_id") ?? "")
            guard var account = try store.account(id) else { throw APIError.notFound("account") }
            if !identity.role.seesPersonalData {
                account.contacts = account.contacts.map { Self.masked($0) }
            }
            return try APIResponder.json(account)
        }
        router.get("/v1/queues") { _, context in
            _ = try context.require(.viewer)
            return try APIResponder.json(try store.queues(slaHours: slaHours))
        }
        router.get("/v1/queues/{queue}") { request, context in
            let identity = try context.require(.viewer)
            let queue = try RequestValidation.queue(context.parameters.get("queue") ?? "")
            let limit = try RequestValidation.limit(request.uri.queryParameters.get("limit"), fallback: 100, max: 500)
            var body = try store.queue(queue, slaHours: slaHours[queue], limit: limit)
            if !identity.role.seesPersonalData {
                body.leads = body.leads.map { item in
                    var item = item
                    item.email = item.email.map(Masking.email)
                    return item
                }
            }
            return try APIResponder.json(body)
        }
        router.get("/v1/dlq") { request, context in
            let identity = try context.require(.viewer)
            let limit = try RequestValidation.limit(request.uri.queryParameters.get("limit"), fallback: 50, max: 500)
            return try APIResponder.json(try store.deadLetters(limit: limit, payloads: identity.role.permits(.operator)))
        }
        router.get("/v1/stats/decisions") { request, context in
            _ = try context.require(.viewer)
            let hours = try RequestValidation.limit(request.uri.queryParameters.get("hours"), fallback: 48, max: 24 * 90)
            return try APIResponder.json(try store.decisionStats(hours: hours))
        }
        router.get("/v1/status") { _, context in
            _ = try context.require(.viewer)
            return try APIResponder.json(try store.status())
        }
        router.get("/v1/kpis") { request, context -> Response in
            _ = try context.require(.viewer)
            let query = request.uri.queryParameters
            let since = try RequestValidation.instant(query.get("since"), name: "since")
            let until = try RequestValidation.instant(query.get("until"), name: "until")
            let by = try RequestValidation.dimensions(query.getAll("by").map { String($0) })
            return APIResponder.jsonBytes(try store.kpis(since: since, until: until, by: by).json())
        }
        let lag = self.lag
        router.get("/v1/lag") { _, context -> Response in
            _ = try context.require(.viewer)
            guard let snapshot = lag?.latest else {
                let reason = lag?.failure.map { "the lag has not been measured yet: \($0)" } ?? "the lag has not been measured yet"
                throw APIError(.serviceUnavailable, "not_measured", reason)
            }
            return try APIResponder.json(snapshot)
        }
        let models = self.models
        for (action, kind) in [("promote", ControlEvent.Kind.modelPromote), ("shadow", .modelShadow)] {
            router.post("/v1/models/{version}/\(action)") { request, context -> Response in
                let identity = try context.require(.operator)
                let version = try RequestValidation.modelVersion(context.parameters.get("version") ?? "")
                let body = try await Self.modelControlBody(request)
                guard let models else { throw APIError(.serviceUnavailable, "not_available", "model actions are not configured") }
                let answer = try await models.request(kind, version: version, actor: identity.name, body: body)
                return try APIResponder.json(answer, status: answer.written ? .accepted : .ok)
            }
        }
        router.post("/v1/models/rollback") { request, context -> Response in
            let identity = try context.require(.operator)
            let body = try await Self.modelControlBody(request)
            guard let models else { throw APIError(.serviceUnavailable, "not_available", "model actions are not configured") }
            return try APIResponder.json(try await models.rollback(actor: identity.name, body: body), status: .accepted)
        }
        router.post("/v1/rulesets/{version}/promote") { request, context -> Response in
            let identity = try context.require(.operator)
            let version = try RequestValidation.modelVersion(context.parameters.get("version") ?? "")
            let body = try await Self.modelControlBody(request)
            guard let models else { throw APIError(.serviceUnavailable, "not_available", "rule-set actions are not configured") }
            let answer = try await models.promoteRuleSet(version: version, actor: identity.name, body: body)
            return try APIResponder.json(answer, status: answer.written ? .accepted : .ok)
        }
        router.post("/v1/rulesets/rollback") { request, context -> Response in
            let identity = try context.require(.operator)
            let body = try await Self.modelControlBody(request)
            guard let models else { throw APIError(.serviceUnavailable, "not_available", "rule-set actions are not configured") }
            return try APIResponder.json(try await models.rollbackRuleSet(actor: identity.name, body: body), status: .accepted)
        }
        router.post("/v1/overrides") { request, context in
            let identity = try context.require(.operator)
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > OverrideRequest.maxBodyBytes {
                throw APIError.payloadTooLarge
            }
            var request = request
            let buffer = try await request.collectBody(upTo: OverrideRequest.maxBodyBytes)
            let body = OverrideRequest.self
            let parsed = try body.init(body: Array(buffer.readableBytesView))
            let header = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value
            let key = try header.map { text throws(APIError) in try RequestValidation.idempotencyKey(text) }
            let answer = try await overrides.submit(parsed, idempotencyKey: key, actor: identity.name)
            return try APIResponder.json(answer, status: answer.replayed ? .ok : .accepted)
        }
        return router
    }

    /// The body of a model action, at most ``ModelControlRequest/maxBodyBytes``.
    static func modelControlBody(_ request: Request) async throws -> ModelControlRequest {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > ModelControlRequest.maxBodyBytes {
            throw APIError.payloadTooLarge
        }
        var request = request
        let buffer = try await request.collectBody(upTo: ModelControlRequest.maxBodyBytes)
        return try ModelControlRequest(body: Array(buffer.readableBytesView))
    }

    /// The methods a known path allows (nil: no such route), for 405 answers.
    static func allowedMethods(path: String) -> [String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        switch parts.count {
        case 1 where ["", "dashboard.js", "dashboard.css", "metrics"].contains(parts[0]):
            return ["GET"]
        case 2 where parts[0] == "health":
            return ["live", "ready"].contains(parts[1]) ? ["GET"] : nil
        case 2 where parts[0] == "v1":
            if parts[1] == "overrides" { return ["POST"] }
            return ["leads", "queues", "dlq", "status", "kpis", "lag"].contains(parts[1]) ? ["GET"] : nil
        case 3 where parts[0] == "v1":
            if parts[1] == "stats" { return parts[2] == "decisions" ? ["GET"] : nil }
            if parts[1] == "models" || parts[1] == "rulesets" { return parts[2] == "rollback" ? ["POST"] : nil }
            return ["leads", "decisions", "accounts", "queues"].contains(parts[1]) && !parts[2].isEmpty ? ["GET"] : nil
        case 4 where parts[0] == "v1" && parts[1] == "models":
            return ["promote", "shadow"].contains(parts[3]) && !parts[2].isEmpty ? ["POST"] : nil
        case 4 where parts[0] == "v1" && parts[1] == "rulesets":
            return parts[3] == "promote" && !parts[2].isEmpty ? ["POST"] : nil
        default:
            return nil
        }
    }

    /// A lead for `role`: personal data masked unless the role may see it.
    package static func masked(_ lead: LeadExplanation, for role: AccessRole) -> LeadExplanation {
        guard !role.seesPersonalData, var person = lead.person else { return lead }
        var lead = lead
        person.emails = person.emails.map(Masking.email)
        person.firstName = person.firstName.map(Masking.name)
        person.lastName = person.lastName.map(Masking.name)
        person.crmRecord = person.crmRecord.map { _ in "***" }
        // Custom fields may hold anything a CRM admin defined, personal data included.
        person.customFields = nil
        lead.person = person
        return lead
    }

    static func masked(_ contact: APIResponse.Account.Contact) -> APIResponse.Account.Contact {
        var contact = contact
        contact.email = contact.email.map(Masking.email)
        contact.firstName = contact.firstName.map(Masking.name)
        contact.lastName = contact.lastName.map(Masking.name)
        return contact
    }
}
