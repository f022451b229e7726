import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("Crypto-shredding erasure (CLI)")
struct ErasureCLITests {
    /// With a master key, a lead's email and surname go to the canonical log
    /// sealed, also where they sit in free text: a CRM custom field and the
    /// query of a clicked URL. `serve` (same topics, same key) shows the lead.
    /// After a `privacy.erasure`, neither can be found in the canonical log, the
    /// audit topic, the snapshot database or serve's database, nor through
    /// serve's API; the subject key has a tombstone on `leadledger.keys`, the
    /// routing topic announces the erasure, and `audit verify` re-derives
    /// everything (the erased lead's routing records compared without their emails).
    @Test(.timeLimit(.minutes(4)))
    func erasedLeadIsUnreadableEverywhere() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("erasure")
        let suffix = uniqueName("er")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        // A custom field listed as clear (a decision may read it) stays readable in the log.
        let configuration = try String(contentsOfFile: config, encoding: .utf8) + "\nclear_custom_fields: [Region__c]\n"
        try configuration.write(toFile: config, atomically: true, encoding: .utf8)
        let keyFile = directory + "/master.key"
        let keyHex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        try keyHex.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let environment = [MasterKey.environmentVariable: keyFile]

        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")
        let generate = try await runCLI(
            ["generate", "--config", config, "--seed", "11", "--events", "700", "--malformed-rate", "0"], directory: directory,
            name: "generate")
        #expect(generate.status == 0, "\(generate.stderr)")

        let surname = "Quxworthington"
        let email = "erin.quxworthington.\(suffix)@acme.io"
        let formatter = ISO8601DateFormatter()
        func time(_ ago: TimeInterval) -> String { formatter.string(from: Date().addingTimeInterval(-ago)) }
        let created =
            #"{"event_id":"evt-er-1-\#(suffix)","type":"lead.created","occurred_at":"\#(time(7200))","source":"salesforce","record_id":"00Qer\#(suffix)","lead":{"email":"\#(email)","first_name":"Erin","last_name":"\#(surname)","title":"VP Sales","phone":"+1 415 555 0199","company":"Acme","custom":{"Notes__c":"met \#(surname) at the fair, writes from \#(email)","Region__c":"EMEA","Seats__c":40}}}"#
        let identify =
            #"{"type":"identify","messageId":"m-er-\#(suffix)","userId":"u-er-\#(suffix)","timestamp":"\#(time(7100))","traits":{"email":"\#(email)","lastName":"\#(surname)","title":"VP Sales"}}"#
        let click =
            #"{"email":"\#(email)","timestamp":\#(Int(Date().timeIntervalSince1970) - 7000),"event":"click","sg_event_id":"sg-er-\#(suffix)","sg_message_id":"sg-msg-er","url":"https://acme.io/pricing?email=\#(email)&who=\#(surname)"}"#
        try await produce("crm-\(suffix)", [(key: "erin", value: created)], brokers: brokers, partition: 0)
        try await produce("web-\(suffix)", [(key: "erin", value: identify)], brokers: brokers, partition: 0)
        try await produce("email-\(suffix)", [(key: email, value: click)], brokers: brokers, partition: 0)

        let state = directory + "/state"
        let run = try CLIProcess(
            ["run", "--config", config, "--state-directory", state, "--no-http"], directory: directory, name: "run",
            environment: environment)
        defer { run.signal(SIGKILL) }
        func caughtUp(_ name: String) async throws {
            let lag = try await runCLI(
                ["lag", "--config", config, "--wait", "--timeout", "90"], directory: directory, name: name, seconds: 120)
            #expect(
                lag.status == 0 && lag.stdout.contains("lag: caught up"),
                "\(lag.stdout)\(lag.stderr.suffix(1000))\nrun: \(run.stderr.suffix(3000))")
        }
        try await caughtUp("lag-1")
        #expect(!run.stderr.contains("NO MASTER KEY"), "\(run.stderr.suffix(2000))")

        // Before the erasure: the log holds the lead sealed; routing (CRM sync) has the email.
        let routingBefore = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers)
        let leadRouting = try #require(
            routingBefore.first { contains($0.value, email) }, "no routing record names the email before the erasure")
        let leadID = try RoutingRecordView(leadRouting.value).leadID
        let logBefore = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers)
        #expect(logBefore.contains { contains($0.value, leadID) && contains($0.value, "enc1.") })
        #expect(
            logBefore.contains {
                contains($0.value, leadID) && contains($0.value, "\"Notes__c\":\"enc1.")
                    && contains($0.value, "\"Region__c\":\"EMEA\",\"Seats__c\":40")
            })
        #expect(logBefore.contains { contains($0.value, leadID) && contains($0.value, "\"https://acme.io/pricing?enc1.") })
        #expect(!logBefore.contains { contains($0.value, surname) || contains($0.value, "erin.quxworthington") })

        // serve, as a user starts it: same configuration and master key, its own state directory.
        let tokenFile = directory + "/tokens.yaml"
        let added = try await runCLI(
            ["tokens", "add", "erasure-test", "--role", "analyst", "--file", tokenFile], directory: directory, name: "tokens")
        let token = try #require(added.stdout.split(separator: "\n").first.map(String.init), "\(added.stderr)")
        let serveState = directory + "/serve"
        let serve = try CLIProcess(
            ["serve", "--config", config, "--tokens", tokenFile, "--http-port", "0", "--state-directory", serveState],
            directory: directory, name: "serve", environment: environment)
        defer { serve.signal(SIGKILL) }
        let api = APIClient(base: "http://127.0.0.1:\(try await ServeCLITests.boundPort(serve))")
        let encodedEmail = email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let leadPath = "/v1/leads/\(leadID)"
        try await ServeCLITests.waitUntilApplied(api, token: token, topic: "events-\(suffix)", records: logBefore.count)
        let shown = try await api.get(leadPath, token: token)
        #expect(shown.status == 200 && shown.text.contains(surname) && shown.text.contains("Notes__c"), "\(shown.text.prefix(2000))")
        let search = try await api.get("/v1/leads?email=\(encodedEmail)", token: token)
        #expect(search.status == 200 && search.text.contains(leadID), "\(search.text.prefix(1000))")

        let erasure =
            #"{"event_id":"evt-er-2-\#(suffix)","type":"privacy.erasure","occurred_at":"\#(time(3600))","source":"salesforce","record_id":"00Qer\#(suffix)","email":"\#(email)"}"#
        try await produce("crm-\(suffix)", [(key: "erin", value: erasure)], brokers: brokers, partition: 0)
        try await caughtUp("lag-2")
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")

        // serve: neither the API nor its database yields the person any more.
        let logAfter = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers)
        try await ServeCLITests.waitUntilApplied(api, token: token, topic: "events-\(suffix)", records: logAfter.count)
        let routingAfter = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers)
        try await ServeCLITests.waitUntilApplied(api, token: token, topic: "routing-\(suffix)", records: routingAfter.count)
        for path in [leadPath, "/v1/leads?email=\(encodedEmail)"] {
            let answer = try await api.get(path, token: token)
            #expect(
                answer.status == 200 || answer.status == 404, "\(path): HTTP \(answer.status) \(answer.text.prefix(500))")
            #expect(
                !answer.text.contains(email) && !answer.text.contains(surname) && !answer.text.lowercased().contains("quxworthington"),
                "\(path) still yields the erased person: \(answer.text.prefix(2000))")
        }
        #expect(try await api.get("/v1/leads?email=\(encodedEmail)", token: token).text.contains(leadID) == false)
        serve.signal(SIGTERM)
        #expect(try await serve.wait(seconds: 30) == 0, "\(serve.stderr.suffix(2000))")
        let serveFiles = try FileManager.default.contentsOfDirectory(atPath: serveState).filter { $0.hasPrefix("readmodel.sqlite") }
        #expect(serveFiles.contains("readmodel.sqlite"), "\(serveFiles)")
        for file in serveFiles {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: serveState + "/" + file)))
            #expect(
                !contains(bytes, email) && !contains(bytes, surname) && !contains(bytes, "quxworthington"),
                "serve's \(file) holds the erased person's email or surname")
        }

        // Nothing readable: canonical log, audit topic, snapshot database.
        let log = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers).filter { !ControlRecords.isControl($0.headers) }
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        #expect(log.count > 700 && audit.count == log.count, "log \(log.count), audit \(audit.count)")
        for (name, records) in [("log", log), ("audit", audit)] {
            let leaks = records.filter { contains($0.value, email) || contains($0.value, surname) || contains($0.value, "quxworthington") }
            #expect(leaks.isEmpty, "\(name): \(leaks.count) record(s) with the erased person's email or surname")
        }
        #expect(!audit.contains { contains($0.value, "\"emails\":[\"") }, "an audit record carries an email")
        let snapshots = try Data(contentsOf: URL(fileURLWithPath: state + "/snapshots.sqlite"))
        #expect(snapshots.count > 10_000)
        #expect(!contains(Array(snapshots), email) && !contains(Array(snapshots), surname), "the snapshot database holds the erased data")
        #expect(!contains(Array(snapshots), "quxworthington"))

        // The key's tombstone, and the routing record downstream systems delete on.
        let keys = try await readAll(SubjectKeyring.defaultTopic, partitions: 1, brokers: brokers)
        #expect(keys.contains { $0.key.map { String(decoding: $0, as: UTF8.self) } == leadID && $0.value.isEmpty })
        let routing = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers)
        #expect(routing.contains { contains($0.value, leadID) && contains($0.value, "\"change\":\"erased\"") })

        // A replay of the whole log agrees with what was written.
        let verify = try await runCLI(
            ["audit", "verify", "--config", config], directory: directory, name: "verify", seconds: 120, environment: environment)
        #expect(
            verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout.suffix(3000))\(verify.stderr.suffix(1000))")
    }

    func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard haystack.count >= n.count else { return false }
        for i in 0...(haystack.count - n.count) where haystack[i] == n[0] && haystack[i..<(i + n.count)].elementsEqual(n) {
            return true
        }
        return false
    }
}
