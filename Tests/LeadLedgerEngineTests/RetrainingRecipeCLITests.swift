import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("The retraining loop of docs/model-lifecycle.md (CLI)")
struct RetrainingRecipeCLITests {
    /// The numbered steps of "The retraining loop": each step's fenced code block,
    /// without the list indentation, in document order.
    static func recipeBlocks() throws -> [String] {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("docs/model-lifecycle.md"), encoding: .utf8)
        let start = try #require(text.range(of: "\n## The retraining loop\n"), "docs/model-lifecycle.md has no retraining loop")
        let rest = text[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        var blocks: [String] = []
        var current: [String]?
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                if let lines = current {
                    blocks.append(lines.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else if current != nil {
                current?.append(String(line.hasPrefix("   ") ? line.dropFirst(3) : line[...]))
            }
        }
        return blocks
    }

    /// The variables step 0 sets (`NAME=value  # comment`), by name.
    static func assignments(_ block: String) -> [String: String] {
        var names: [String: String] = [:]
        for line in block.split(separator: "\n") {
            let code = line.split(separator: "#", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let equals = code.firstIndex(of: "=") else { continue }
            names[String(code[..<equals])] = String(code[code.index(after: equals)...])
        }
        return names
    }

    /// Runs one step's block with bash in `directory` (the user's shell: `leadledger`
    /// on the PATH, the variables of earlier steps set), bounded in time. Variables
    /// the block assigns are kept for the next steps in `recipe.env`.
    static func shell(_ block: String, directory: String, name: String, seconds: Double = 150) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let names = block.split(separator: "\n").compactMap { line -> String? in
            let name = line.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return !name.isEmpty && line.dropFirst(name.count).first == "=" ? String(name) : nil
        }
        let save = names.map { #"printf '%s=%q\n' \#($0) "$\#($0)" >> recipe.env"# }.joined(separator: "\n")
        let script = """
            set -o pipefail
            cd '\(directory)'
            . ./recipe.env
            {
            \(block)
            }
            status=$?
            \(save)
            exit $status
            """
        let stdoutPath = directory + "/\(name).out"
        let stderrPath = directory + "/\(name).err"
        let cli = URL(fileURLWithPath: leadledgerExecutable).deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = cli + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let child = try ChildProcess(
            "/bin/bash", ["-c", script], environment: environment, stdout: .file(stdoutPath), stderr: .file(stderrPath))
        let status = try await child.wait(seconds: seconds)
        if status == nil { child.signal(SIGKILL) }
        let stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        guard let status else {
            throw TestFailure("step \(name) did not finish within \(seconds) s: \(stdout.suffix(1000))\(stderr.suffix(1000))")
        }
        return (status, stdout, stderr)
    }

    /// The recipe as a user runs it, on a generated workload with `run` up
    /// throughout: the blocks are read from docs/model-lifecycle.md and run with
    /// bash unchanged, except that step 0's values are the test's (configuration,
    /// brokers, topic, directory), and that `--force` is added where the text says
    /// to when `train` or `promote` refuses. Between steps, new traffic is
    /// generated and processed where the recipe waits for traffic. Checked as the
    /// text tells the user to: `train` prints the version last; `backtest` prints
    /// the tier, queue and owner changes and both AUCs; after `shadow` the audit
    /// records carry the candidate's verdicts (as many as step 4's count says);
    /// `promote` is accepted with its comparison or refused with status 1 naming
    /// both AUCs; after it every new routing record names the candidate, after
    /// `rollback` the configured model again; `audit verify` is OK across the
    /// switches. The time limit is a hang bound.
    @Test(.timeLimit(.minutes(6)))
    func theRecipeRunsAsWritten() async throws {
        let workspace = try CLIWorkspace("recipe")
        let (brokers, directory, config, suffix) = (workspace.brokers, workspace.directory, workspace.config, workspace.suffix)
        let phases = PhaseClock("recipe")
        let blocks = try Self.recipeBlocks()
        try #require(blocks.count == 8, "steps 0 to 7, one block each: \(blocks)")
        let values = [
            "CONFIG": config, "BROKERS": brokers, "AUDIT_TOPIC": "audit-\(suffix)", "MODEL_DIR": directory + "/model-next",
            "ACTOR": "recipe-test",
        ]
        #expect(Set(Self.assignments(blocks[0]).keys) == Set(values.keys), "step 0 sets what the test substitutes: \(blocks[0])")
        try values.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'\n" }.joined().write(
            toFile: directory + "/recipe.env", atomically: true, encoding: .utf8)
        func step(_ number: Int, _ name: String, force command: String? = nil) async throws -> (
            status: Int32, stdout: String, stderr: String
        ) {
            var block = blocks[number]
            if let command { block = block.replacing("leadledger \(command) ", with: "leadledger \(command) --force ") }
            return try await Self.shell(block, directory: directory, name: "step\(number)-\(name)")
        }

        let run = try CLIProcess(["run", "--config", config] + workspace.state, directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        try await workspace.generate(41, 4000)
        try await workspace.caughtUp("first")
        phases.mark("first workload processed")
        let configured = defaultDecisions.modelVersion
        var routingSeen: [Int32: Int64] = [:]
        /// The routing records written since the last call.
        func newRouting() async throws -> [RoutingRecordView] {
            let records = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers)
            let fresh = records.filter { $0.offset >= routingSeen[$0.partition, default: 0] }
            for record in records { routingSeen[record.partition] = max(routingSeen[record.partition, default: 0], record.offset + 1) }
            return try fresh.map { try RoutingRecordView($0.value) }
        }
        /// New traffic after a switch has been applied everywhere.
        func traffic(_ seed: Int, _ name: String) async throws {
            try await workspace.caughtUp("\(name)-switch")
            try await workspace.generate(seed, 400)
            try await workspace.caughtUp(name)
        }
        _ = try await newRouting()

        // 1. Train and register. A refusal names the failed checks and registers nothing; the
        // text then says to add --force after `leadledger train`.
        var trained = try await step(1, "train")
        if !(trained.stdout.split(separator: "\n").last.map { $0.count == 16 } ?? false) {
            #expect(trained.stderr.contains("train: refused: ") && trained.stderr.contains("nothing written"), "\(trained.stderr)")
            trained = try await step(1, "train-forced", force: "train")
        }
        let version = String(trained.stdout.split(separator: "\n").last ?? "")
        #expect(version.count == 16 && version.allSatisfy(\.isHexDigit) && version != configured, "\(trained.stdout)\(trained.stderr)")
        #expect(trained.stdout.contains("check holdout: "), "\(trained.stdout)")
        phases.mark("1. trained and registered \(version)")

        // 2. Backtest by version.
        let backtest = try await step(2, "backtest")
        #expect(backtest.status == 0, "\(backtest.stderr)")
        #expect(backtest.stdout.contains("(registered model \(version), "), "\(backtest.stdout)")
        for figure in ["tier changed: ", "queue changed: ", "owner changed: "] {
            #expect(backtest.stdout.contains(figure), "\(backtest.stdout)")
        }
        #expect(backtest.stdout.split(separator: "\n").contains { $0.hasPrefix("AUC ") }, "\(backtest.stdout)")
        phases.mark("2. backtested")

        // 3. Shadow, then traffic.
        let shadow = try await step(3, "shadow")
        #expect(shadow.status == 0 && shadow.stdout.contains("model.shadow \(version) written"), "\(shadow.stdout)\(shadow.stderr)")
        try await traffic(42, "shadowed")
        phases.mark("3. shadowed and processed")

        // 4. The shadow's verdicts: the count the recipe prints is the number of audit records with them.
        let seen = try await step(4, "shadow-verdicts")
        #expect(seen.status == 0, "\(seen.stdout)\(seen.stderr)")
        let count = Int(seen.stdout.split(separator: "\n").first ?? "") ?? 0
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers).map { try AuditRecordView($0.value) }
        let shadowed = audit.filter { !$0.shadows.isEmpty }
        #expect(
            count > 0 && count == shadowed.count, "step 4 printed \(seen.stdout.prefix(100)); \(shadowed.count) audit records carry shadows"
        )
        #expect(shadowed.allSatisfy { $0.shadows.allSatisfy { $0.modelVersion == version } && $0.modelVersion == configured })
        // Every lead the active model decided has the shadow's verdict (a shadow re-decides every contact
        // of a changed account: its fan-out check is keyed by its own model version).
        #expect(shadowed.allSatisfy { Set($0.shadows.map(\.leadID)).isSuperset(of: $0.decisions.map(\.leadID)) })
        #expect(seen.stdout.contains("model.unshadow \(version) written"), "\(seen.stdout)")
        phases.mark("4. \(count) audit records carry the shadow's verdicts")

        // 5. Promote: accepted with its comparison, or refused with both AUCs and then forced as the text says.
        var promoted = try await step(5, "promote")
        if promoted.status == 1 {
            let pattern = #/held-out AUC ([0-9.]+) for (\w+), ([0-9.]+) for the active model (\w+), on the same/#
            let match = try #require(promoted.stderr.firstMatch(of: pattern), "\(promoted.stderr)")
            #expect(promoted.stderr.hasPrefix("leadledger: refused: promote_refused (\(version)): "), "\(promoted.stderr)")
            #expect(match.2 == version && match.4 == configured, "\(promoted.stderr)")
            #expect(Double(match.1)! < Double(match.3)!, "refused only when the candidate does worse: \(promoted.stderr)")
            phases.mark("5. refused: \(match.0)")
            promoted = try await step(5, "promote-forced", force: "models promote")
        } else {
            #expect(promoted.stdout.contains("judged on held-out AUC "), "\(promoted.stdout)")
        }
        #expect(
            promoted.status == 0 && promoted.stdout.contains("model.promote \(version) written"), "\(promoted.stdout)\(promoted.stderr)")
        _ = try await newRouting()
        try await traffic(43, "promoted")
        let afterPromote = try await newRouting()
        #expect(!afterPromote.isEmpty && afterPromote.allSatisfy { $0.modelVersion == version }, "\(Set(afterPromote.map(\.modelVersion)))")
        phases.mark("5. promoted: \(afterPromote.count) routing records name \(version)")

        // 6. Drift and KPIs name the new version.
        let watched = try await step(6, "watch")
        #expect(watched.status == 0 && watched.stdout.contains(version), "\(watched.stdout)\(watched.stderr)")

        // 7. Roll back and verify; traffic after it is routed by the configured model again.
        let rolledBack = try await step(7, "rollback")
        #expect(
            rolledBack.stdout.contains("model.rollback written") && rolledBack.stdout.contains("\(version) → \(configured)"),
            "\(rolledBack.stdout)")
        #expect(
            rolledBack.status == 0 && rolledBack.stdout.contains("audit verify: OK"),
            "\(rolledBack.stdout)\(rolledBack.stderr.suffix(1500))")
        try await traffic(44, "rolled-back")
        let afterRollback = try await newRouting()
        #expect(
            !afterRollback.isEmpty && afterRollback.allSatisfy { $0.modelVersion == configured },
            "\(Set(afterRollback.map(\.modelVersion)))")
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
        let verify = try await workspace.run(["audit", "verify"], "verify")
        #expect(verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout)\(verify.stderr.suffix(1500))")
        phases.mark("7. rolled back and verified across both switches")
    }
}
