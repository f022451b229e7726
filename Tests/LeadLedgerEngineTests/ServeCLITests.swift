import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine
import LeadLedgerReadModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP answer.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: Data
    var headers: [String: String]

    var text: String { String(decoding: body, as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw TestFailure("HTTP \(status): cannot decode \(type): \(error); body: \(text.prefix(500))")
        }
    }

    /// The stable code of a JSON error body.
    var errorCode: String? { try? JSONDecoder().decode(APIResponse.Error.self, from: body).error }
}

/// A client of the read model's API on 127.0.0.1.
struct APIClient: Sendable {
    let base: String

    func request(
        _ method: String, _ path: String, token: String?, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return HTTPAnswer(status: http.statusCode, body: data, headers: fields)
    }

    func get(_ path: String, token: String?) async throws -> HTTPAnswer { try await request("GET", path, token: token) }
}

@Suite("leadledger serve (CLI, read model API)")
struct ServeCLITests {
    /// The whole path a user takes: a workload decided by `run`, tokens from
    /// `tokens add`, `serve` reading the topics, every endpoint queried with
    /// each role, an override posted twice with one Idempotency-Key (one CRM
    /// event, the route changed by `run`), `explain --format json` equal to the
    /// API's lead, the bad-input answers, schemathesis against the OpenAPI
    /// document, and a restart that resumes from the stored offsets.
    @Test(.timeLimit(.minutes(8)))
    func serveAnswersEveryEndpointAndOverridesGoThroughTheLog() async throws {
        let clock = PhaseClock("serve")
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("serve")
        let suffix = uniqueName("sv")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let generate = try await runCLI(
            ["generate", "--config", config, "--seed", "11", "--events", "800"], directory: directory, name: "generate")
        #expect(generate.status == 0, "\(generate.stderr)")
        let run = try CLIProcess(["run", "--config", config, "--state-directory", directory + "/run"], directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "150"], directory: directory, name: "lag", seconds: 180)
        try #require(lag.status == 0, "\(lag.stdout)\(lag.stderr)\nrun: \(run.stderr.suffix(2000))")
        clock.mark("workload decided")

        // Tokens: printed once, alone on stdout; the file keeps digests.
        let tokenFile = directory + "/tokens.yaml"
        var tokens: [AccessRole: String] = [:]
        for role in AccessRole.allCases {
            let added = try await runCLI(
                ["tokens", "add", "t-\(role.rawValue)", "--role", role.rawValue, "--file", tokenFile], directory: directory,
                name: "tokens-\(role.rawValue)")
            #expect(added.status == 0, "\(added.stderr)")
            let lines = added.stdout.split(separator: "\n")
            try #require(lines.count == 1 && lines[0].hasPrefix("llt_"), "\(added.stdout)")
            tokens[role] = String(lines[0])
        }
        let fileText = try String(contentsOfFile: tokenFile, encoding: .utf8)
        #expect(tokens.values.allSatisfy { !fileText.contains($0) })
        let viewer = tokens[.viewer]!
        let analyst = tokens[.analyst]!
        let operatorToken = tokens[.operator]!
        let admin = tokens[.admin]!

        var serve = try CLIProcess(
            ["serve", "--config", config, "--tokens", tokenFile, "--http-port", "0", "--state-directory", directory + "/serve"],
            directory: directory, name: "serve")
        defer { serve.signal(SIGKILL) }
        let api = APIClient(base: "http://127.0.0.1:\(try await Self.boundPort(serve))")

        // Wait until the read model has applied the whole audit topic.
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        try await Self.waitUntilApplied(api, token: viewer, topic: "audit-\(suffix)", records: audit.count)
        clock.mark("read model caught up (\(audit.count) audit records)")

        // A lead with a CRM record, found through the queues.
        let queues = try await api.get("/v1/queues", token: viewer).decode(APIResponse.QueueList.self)
        #expect(!queues.queues.isEmpty)
        var chosen: LeadExplanation?
        search: for queue in queues.queues {
            let items = try await api.get("/v1/queues/\(queue.queue)?limit=50", token: analyst).decode(APIResponse.Queue.self)
            #expect(items.count >= items.leads.count && items.leads.allSatisfy { $0.email?.contains("***") != true })
            for item in items.leads {
                let lead = try await api.get("/v1/leads/\(item.leadID)", token: analyst).decode(LeadExplanation.self)
                guard lead.person?.crmRecord != nil, let email = lead.person?.emails.first, lead.accountID != nil, lead.outcome == nil
                else { continue }
                // The dashboard opens the lead page when the address finds one lead only (two
                // CRM records may share an address: the search then lists both).
                let encoded = email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let sharing = try await api.get("/v1/leads?email=\(encoded)", token: analyst).decode(APIResponse.LeadSearch.self)
                if sharing.leads.map(\.leadID) == [lead.leadID] {
                    chosen = lead
                    break search
                }
            }
        }
        let lead = try #require(chosen, "no open lead with a CRM record and an address of its own")
        let route = try #require(lead.currentRoute)
        #expect(lead.decisions.last?.decisionID == route.decisionID && !lead.decisions.isEmpty)

        // explain --format json: the same type and the same content (the API adds the person).
        let explain = try await runCLI(
            ["explain", "--config", config, "--lead", lead.leadID, "--format", "json"], directory: directory, name: "explain")
        #expect(explain.status == 0, "\(explain.stderr)")
        let explained = try JSONDecoder().decode(LeadExplanation.self, from: Data(explain.stdout.utf8))
        var withoutPerson = lead
        withoutPerson.person = nil
        withoutPerson.outcome = nil
        #expect(explained == withoutPerson)

        // Lookups by email, decision and account.
        let email = lead.person!.emails[0]
        let encoded = email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let found = try await api.get("/v1/leads?email=\(encoded)", token: analyst).decode(APIResponse.LeadSearch.self)
        #expect(found.leads.map(\.leadID).contains(lead.leadID))
        let decision = try await api.get("/v1/decisions/\(route.decisionID)", token: viewer).decode(APIResponse.DecisionRecord.self)
        #expect(decision.decisions.contains { $0.leadID == lead.leadID })
        let account = try await api.get("/v1/accounts/\(lead.accountID!)", token: analyst).decode(APIResponse.Account.self)
        #expect(account.contacts.contains { $0.leadID == lead.leadID && $0.email != nil })
        let maskedAccount = try await api.get("/v1/accounts/\(lead.accountID!)", token: viewer).decode(APIResponse.Account.self)
        #expect(maskedAccount.contacts.compactMap(\.email).allSatisfy { $0.contains("***@") })

        // Viewers see the lead with personal data masked; the DLQ without payloads.
        let masked = try await api.get("/v1/leads/\(lead.leadID)", token: viewer).decode(LeadExplanation.self)
        #expect(masked.person?.emails.allSatisfy { $0.contains("***@") } == true && masked.person?.emails != lead.person?.emails)
        #expect(masked.decisions == lead.decisions)
        let dlqViewer = try await api.get("/v1/dlq", token: viewer).decode(APIResponse.DeadLetters.self)
        let dlqOperator = try await api.get("/v1/dlq", token: operatorToken).decode(APIResponse.DeadLetters.self)
        #expect(dlqViewer.total > 0 && dlqViewer.total == dlqOperator.total)
        #expect(dlqViewer.recent.allSatisfy { $0.originalBase64 == nil } && dlqOperator.recent.contains { $0.originalBase64 != nil })
        let stats = try await api.get("/v1/stats/decisions", token: viewer).decode(APIResponse.DecisionStats.self)
        #expect(!stats.buckets.isEmpty)

        // Outcome KPIs: once the read model has applied the whole log too, the API's
        // report is byte for byte what `leadledger kpis --format json` prints.
        let log = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers)
        try await Self.waitUntilApplied(api, token: viewer, topic: "events-\(suffix)", records: log.count)
        for by in [["day", "model"], ["tier", "arm"]] {
            let answer = try await api.get("/v1/kpis?" + by.map { "by=\($0)" }.joined(separator: "&"), token: viewer)
            #expect(answer.status == 200, "\(answer.text)")
            let printed = try await runCLI(
                ["kpis", "--config", config, "--format", "json"] + by.flatMap { ["--by", $0] }, directory: directory,
                name: "kpis-\(by.joined())")
            #expect(printed.status == 0, "\(printed.stderr)")
            #expect(answer.text + "\n" == printed.stdout)
            #expect(answer.text.contains("\"groups\":[{") && answer.text.contains("\"qualified_rate\""))
        }
        // Lag per stage: the stage groups' committed offsets, as `leadledger lag` reads them.
        var lagAnswer = try await api.get("/v1/lag", token: viewer)
        for _ in 0..<100 where lagAnswer.status == 503 {
            try await Task.sleep(for: .milliseconds(300))
            lagAnswer = try await api.get("/v1/lag", token: viewer)
        }
        #expect(lagAnswer.status == 200, "\(lagAnswer.text)")
        let stageLag = try JSONDecoder().decode(LagReport.self, from: lagAnswer.body)
        #expect(stageLag.stages.map(\.stage) == ["validate", "identity", "materialize"])
        // validate reads 3 × 3 inbound partitions and the control topic's one.
        #expect(stageLag.stages.allSatisfy { $0.committed > 0 } && stageLag.stages[0].partitions.count == 10)
        let badBy = try await api.get("/v1/kpis?by=week", token: viewer)
        #expect(badBy.status == 400 && badBy.errorCode == "invalid_by")
        let badSince = try await api.get("/v1/kpis?since=yesterday", token: viewer)
        #expect(badSince.status == 400 && badSince.errorCode == "invalid_time")

        // Bad input and access control: each a JSON error with its code.
        let cases: [(HTTPAnswer, Int, String)] = [
            (try await api.get("/v1/status", token: nil), 401, "unauthorized"),
            (try await api.get("/v1/status", token: "llt_not-a-token"), 401, "unauthorized"),
            (try await api.get("/v1/leads?email=\(encoded)", token: viewer), 403, "forbidden"),
            (try await api.request("POST", "/v1/overrides", token: analyst, body: Data("{}".utf8)), 403, "forbidden"),
            (try await api.get("/v1/nothing-here", token: viewer), 404, "not_found"),
            (try await api.get("/v1/leads/ld_ffffffffffffffff", token: viewer), 404, "not_found"),
            (try await api.get("/v1/leads/not-a-lead", token: viewer), 400, "invalid_lead_id"),
            (try await api.get("/v1/leads?email=no-at-sign", token: analyst), 400, "invalid_email"),
            (try await api.get("/v1/decisions/dc_123", token: viewer), 400, "invalid_decision_id"),
            (try await api.request("DELETE", "/v1/status", token: viewer), 405, "method_not_allowed"),
            (
                try await api.request("POST", "/v1/overrides", token: operatorToken, body: Data(repeating: 0x20, count: 64 * 1024)), 413,
                "payload_too_large"
            ),
            (try await api.request("POST", "/v1/overrides", token: operatorToken, body: Data("{\"lead_id\":".utf8)), 400, "invalid_json"),
        ]
        for (answer, status, code) in cases {
            #expect(answer.status == status && answer.errorCode == code, "\(answer.status) \(answer.text)")
            #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true)
        }
        clock.mark("endpoints answered")

        // An override posted twice with one key: one CRM event, then the route changes.
        let tier = route.tier == "review" ? "nurture" : "review"
        let key = "it-\(suffix)"
        let body = Data(#"{"lead_id":"\#(lead.leadID)","tier":"\#(tier)","note":"integration test"}"#.utf8)
        let first = try await api.request("POST", "/v1/overrides", token: operatorToken, body: body, headers: ["Idempotency-Key": key])
        let second = try await api.request("POST", "/v1/overrides", token: operatorToken, body: body, headers: ["Idempotency-Key": key])
        #expect(first.status == 202 && second.status == 200, "\(first.text) \(second.text)")
        let accepted = try first.decode(APIResponse.OverrideAccepted.self)
        let repeated = try second.decode(APIResponse.OverrideAccepted.self)
        #expect(accepted.setBy == "t-operator" && accepted.eventID == key && !accepted.replayed)
        #expect(repeated.replayed && repeated.offset == accepted.offset)
        let crm = try await readAll("crm-\(suffix)", partitions: 3, brokers: brokers)
        let events = crm.filter { String(decoding: $0.value, as: UTF8.self).contains("\"event_id\":\"\(key)\"") }
        #expect(events.count == 1)
        var overridden: LeadExplanation?
        for _ in 0..<480 {
            let now = try await api.get("/v1/leads/\(lead.leadID)", token: analyst).decode(LeadExplanation.self)
            if now.currentRoute?.tier == tier, now.decisions.last?.change == .override {
                overridden = now
                break
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(overridden != nil, "the override did not change the route; run: \(run.stderr.suffix(1500))")
        clock.mark("override decided")

        // The dashboard in a real headless browser: log in, search by email, the timeline.
        let lastReason = overridden?.decisions.last?.reasons.first?.text ?? lead.decisions.last?.reasons.first?.text ?? ""
        try await Self.browser(
            base: api.base, token: analyst, email: email, lead: lead.leadID, account: lead.accountID!,
            expected: ["route changed (override)", lastReason, "lineage: events-\(suffix)["])
        clock.mark("dashboard checked in the browser")

        // Model actions (operator): decided like `leadledger models`, written to the control topic
        // (after the override above: a shadow makes `run` score every later event twice).
        let configured = try #require(lead.decisions.last?.modelVersion)
        func modelAction(_ path: String, token: String?, body: String = #"{"reason":"api test"}"#) async throws -> HTTPAnswer {
            try await api.request("POST", path, token: token, body: Data(body.utf8))
        }
        let forbidden = try await modelAction("/v1/models/\(configured)/promote", token: analyst)
        #expect(forbidden.status == 403 && forbidden.errorCode == "forbidden")
        let again = try await modelAction("/v1/models/\(configured)/promote", token: operatorToken)
        #expect(again.status == 200 && again.text.contains(#""written":false"#), "\(again.text)")
        let unknown = try await modelAction("/v1/models/ffffffffffffffff/promote", token: operatorToken)
        #expect(unknown.status == 404 && unknown.errorCode == "unknown_model_version", "\(unknown.text)")
        let nothingBack = try await modelAction("/v1/models/rollback", token: operatorToken)
        #expect(nothingBack.status == 409 && nothingBack.errorCode == "promote_refused", "\(nothingBack.text)")
        let noReason = try await modelAction("/v1/models/\(configured)/shadow", token: operatorToken, body: "{}")
        #expect(noReason.status == 400 && noReason.errorCode == "invalid_reason")
        let registered = try await runCLI(
            [
                "models", "register", repoRoot.appendingPathComponent("config/ensemble").path, "--config", config, "--state-directory",
                directory + "/cli",
            ], directory: directory, name: "register")
        #expect(registered.status == 0, "\(registered.stderr)")
        let candidate = String(registered.stdout.split(separator: "\n").last ?? "")
        let shadowed = try await modelAction("/v1/models/\(candidate)/shadow", token: operatorToken)
        #expect(shadowed.status == 202 && shadowed.text.contains(#""actor":"t-operator""#), "\(shadowed.text)")
        let listed = try await runCLI(
            ["models", "list", "--format", "json", "--config", config, "--state-directory", directory + "/cli"], directory: directory,
            name: "models-list")
        #expect(listed.stdout.contains(#""shadows":["\#(candidate)"]"#), "\(listed.stdout)")
        // Unshadowed again, so `run` scores once per event for the rest of the test.
        let unshadowed = try await runCLI(
            [
                "models", "unshadow", candidate, "--actor", "test", "--reason", "done", "--config", config, "--state-directory",
                directory + "/cli",
            ], directory: directory, name: "unshadow")
        #expect(unshadowed.status == 0, "\(unshadowed.stderr)")

        // Rule-set actions, as `leadledger rules promote|rollback`: the configured rules are in force
        // (run bootstrapped them), a registered copy is promoted and rolled back.
        let configuredRules = defaultDecisions.rulesetVersion
        let rulesForbidden = try await modelAction("/v1/rulesets/\(configuredRules)/promote", token: analyst)
        #expect(rulesForbidden.status == 403 && rulesForbidden.errorCode == "forbidden")
        let rulesAgain = try await modelAction("/v1/rulesets/\(configuredRules)/promote", token: operatorToken)
        #expect(rulesAgain.status == 200 && rulesAgain.text.contains(#""written":false"#), "\(rulesAgain.text)")
        let rulesUnknown = try await modelAction("/v1/rulesets/ffffffffffffffff/promote", token: operatorToken)
        #expect(rulesUnknown.status == 404 && rulesUnknown.errorCode == "unknown_ruleset_version", "\(rulesUnknown.text)")
        let rulesNothingBack = try await modelAction("/v1/rulesets/rollback", token: operatorToken)
        #expect(rulesNothingBack.status == 409 && rulesNothingBack.errorCode == "promote_refused", "\(rulesNothingBack.text)")
        let copyFile = directory + "/routing-copy.yaml"
        try (try String(contentsOfFile: defaultRoutingFile, encoding: .utf8) + "# a copy\n").write(
            toFile: copyFile, atomically: true, encoding: .utf8)
        let registeredRules = try await runCLI(
            ["rules", "register", copyFile, "--config", config, "--state-directory", directory + "/cli"], directory: directory,
            name: "rules-register")
        #expect(registeredRules.status == 0, "\(registeredRules.stderr)")
        let copy = String(registeredRules.stdout.split(separator: "\n").last ?? "")
        let rulesPromoted = try await modelAction("/v1/rulesets/\(copy)/promote", token: operatorToken)
        #expect(
            rulesPromoted.status == 202 && rulesPromoted.text.contains(#""active_before":"\#(configuredRules)""#)
                && rulesPromoted.text.contains(#""type":"ruleset.promote""#), "\(rulesPromoted.text)")
        let rulesRolledBack = try await modelAction("/v1/rulesets/rollback", token: operatorToken)
        #expect(
            rulesRolledBack.status == 202 && rulesRolledBack.text.contains(#""rollback_to":"\#(configuredRules)""#),
            "\(rulesRolledBack.text)")

        clock.mark("model actions answered")

        // Probes and metrics answer without a token; readiness once every partition was read to its end.
        #expect(try await api.get("/health/live", token: nil).status == 200)
        var ready = try await api.get("/health/ready", token: nil)
        for _ in 0..<120 where ready.status != 200 {
            try await Task.sleep(for: .milliseconds(500))
            ready = try await api.get("/health/ready", token: nil)
        }
        #expect(ready.status == 200 && ready.text.contains("\"status\":\"ready\""), "\(ready.text)")
        let metrics = try await api.get("/metrics", token: nil)
        #expect(metrics.status == 200 && !metrics.text.contains("@"), "metrics must carry no personal data")
        // The read model's own series: records applied per topic, and HTTP requests per route.
        #expect(metrics.text.contains("leadledger_readmodel_records_total{topic=\"audit-\(suffix)\"}"), "\(metrics.text.prefix(1500))")
        #expect(metrics.text.contains("hb_requests"), "\(metrics.text.prefix(1500))")

        // schemathesis: every documented operation against the running server.
        try await Self.schemathesis(base: api.base, token: admin, directory: directory)
        clock.mark("schemathesis passed")

        // A restart resumes from the stored offsets.
        let before = try await api.get("/v1/status", token: viewer).decode(APIResponse.Status.self)
        serve.signal(SIGTERM)
        #expect(try await serve.wait(seconds: 30) == 0, "\(serve.stderr.suffix(1000))")
        serve = try CLIProcess(
            ["serve", "--config", config, "--tokens", tokenFile, "--http-port", "0", "--state-directory", directory + "/serve"],
            directory: directory, name: "serve-2")
        let restarted = APIClient(base: "http://127.0.0.1:\(try await Self.boundPort(serve))")
        for _ in 0..<100 where !serve.stderr.contains("resumed from applied offsets") {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(serve.stderr.contains("(\(before.partitions.count) resumed from applied offsets)"), "\(serve.stderr)")
        let after = try await restarted.get("/v1/status", token: viewer).decode(APIResponse.Status.self)
        #expect(after.decisions >= before.decisions && after.leads >= before.leads)
        serve.signal(SIGTERM)
        _ = try await serve.wait(seconds: 30)
    }

    /// The port from the `http listening on 127.0.0.1:PORT` line.
    static func boundPort(_ serve: CLIProcess) async throws -> Int {
        for _ in 0..<300 {
            if let range = serve.stderr.range(of: #"http listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                let line = serve.stderr[range]
                return Int(line[line.index(after: line.lastIndex(of: ":")!)...])!
            }
            if !serve.process.isRunning { throw TestFailure("serve exited: \(serve.stderr)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("serve did not log its address: \(serve.stderr)")
    }

    /// Polls /v1/status until the read model has applied `records` records of `topic`.
    static func waitUntilApplied(_ api: APIClient, token: String, topic: String, records: Int) async throws {
        var applied: Int64 = 0
        for _ in 0..<600 {
            let status = try await api.get("/v1/status", token: token).decode(APIResponse.Status.self)
            applied = status.partitions.filter { $0.topic == topic }.reduce(0) { $0 + $1.nextOffset }
            if applied >= Int64(records) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("the read model applied \(applied) of \(records) records of \(topic)")
    }

    /// Runs Tests/LeadLedgerEngineTests/Scripts/dashboard_browser.py (Selenium, Debian's
    /// chromium and chromedriver, offline); screenshots go to .build/test-artifacts/dashboard.
    static func browser(base: String, token: String, email: String, lead: String, account: String, expected: [String]) async throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestFailure("no \(tool): run scripts/bootstrap --tests (apt chromium chromium-driver)")
        }
        let script = repoRoot.appendingPathComponent("Tests/LeadLedgerEngineTests/Scripts/dashboard_browser.py").path
        let artifacts = repoRoot.appendingPathComponent(".build/test-artifacts/dashboard").path
        let result = try await runProcess(
            "/usr/bin/timeout", ["120", testPython, script, base, token, email, lead, account, artifacts] + expected,
            environment: ProcessInfo.processInfo.environment.merging(["SE_OFFLINE": "true"]) { _, new in new })
        #expect(result.status == 0, "browser test:\n\(result.stdout.suffix(4000))\n\(result.stderr.suffix(3000))")
    }

    /// Runs schemathesis (the venv's `st`) against docs/openapi.yaml, bounded in examples and time.
    static func schemathesis(base: String, token: String, directory: String) async throws {
        let st = URL(fileURLWithPath: testPython).deletingLastPathComponent().appendingPathComponent("st").path
        guard FileManager.default.isExecutableFile(atPath: st) else {
            throw TestFailure("no schemathesis at \(st): run scripts/bootstrap --tests")
        }
        let result = try await runProcess(
            "/usr/bin/timeout",
            [
                "180", st, "run", repoRoot.appendingPathComponent("docs/openapi.yaml").path, "--url", base,
                "-H", "Authorization: Bearer \(token)", "--checks", "all",
                // The model actions change which model decides (checked above): not fuzzed.
                "--exclude-operation-id", "promoteModel", "--exclude-operation-id", "shadowModel",
                "--exclude-operation-id", "rollbackModel",
                "--max-examples", "15", "--seed", "1", "--no-color", "--request-timeout", "20",
            ],
            environment: ProcessInfo.processInfo.environment.merging(["SCHEMATHESIS_HOOKS": "", "HOME": directory]) { _, new in new })
        #expect(result.status == 0, "schemathesis:\n\(result.stdout.suffix(20000))\n\(result.stderr.suffix(2000))")
    }
}
