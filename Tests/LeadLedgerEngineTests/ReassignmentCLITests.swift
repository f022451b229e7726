import Foundation
import LeadLedgerDecisions
import TestSupport
import Testing

@Suite("Reassignment when a rule set removes an owner (CLI)")
struct ReassignmentCLITests {
    /// As an operator would, against the broker: mid-stream, a rule set that drops
    /// rep-5 and routes by territory only (no account owners first) is registered
    /// and promoted. At the switch's position in each log partition, the open
    /// leads whose owner the new rules do not allow get a `reassigned` routing
    /// record: to an owner of the new rules (never rep-5) or the overflow queue,
    /// with a `reassignment` reason naming the owner left; one audit record per
    /// partition names them. Later pilot decisions never route to rep-5, and
    /// `audit verify` re-derives every record byte for byte. The time limit is a
    /// hang bound.
    @Test(.timeLimit(.minutes(5)))
    func removedOwnerLeadsAreReassignedAtTheSwitch() async throws {
        let workspace = try CLIWorkspace("reassign")
        let (brokers, directory, config, suffix, state) = (
            workspace.brokers, workspace.directory, workspace.config, workspace.suffix, workspace.state
        )
        let pilotFile = directory + "/without-rep-5.yaml"
        let routing = try String(contentsOfFile: defaultRoutingFile, encoding: .utf8)
        let pilotText = routing.replacing("account_owner_first: true", with: "account_owner_first: false").replacing(
            "      - {id: rep-5, weight: 2, capacity: 200}\n", with: "")
        #expect(pilotText != routing && !pilotText.contains("rep-5"))
        try pilotText.write(toFile: pilotFile, atomically: true, encoding: .utf8)
        let pilotOwners = Set(["rep-1", "rep-2", "rep-3", "rep-4", "rep-6", "rep-7", "rep-8", "rep-9", "rep-10"])

        try await workspace.generate(51, 800)
        let run = try CLIProcess(["run", "--config", config] + state, directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        try await workspace.caughtUp("first")
        let registered = try await workspace.run(["rules", "register", pilotFile], "register")
        #expect(registered.status == 0, "\(registered.stderr)")
        let pilot = String(registered.stdout.split(separator: "\n").last ?? "")
        let promoted = try await workspace.run(
            ["rules", "promote", pilot, "--actor", "ana", "--reason", "rep-5 left"], "promote")
        #expect(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
        try await workspace.generate(52, 100)
        try await workspace.caughtUp("promoted")
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")

        let routed = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers).map { try RoutingRecordView($0.value) }
        let reassigned = routed.filter { $0.change == .reassigned }
        #expect(!reassigned.isEmpty, "no lead was reassigned")
        #expect(reassigned.allSatisfy { $0.rulesetVersion == pilot })
        #expect(reassigned.allSatisfy { $0.ownerID.map(pilotOwners.contains) ?? ($0.queue == "unassigned") }, "\(reassigned)")
        #expect(reassigned.allSatisfy { $0.reasons.count == 1 && $0.reasons.first?.kind == .reassignment })
        let left = reassigned.compactMap { reassigned -> String? in
            guard case .string(let owner)? = reassigned.reasons.first?.value else { return nil }
            return owner
        }
        #expect(left.count == reassigned.count && zip(left, reassigned).allSatisfy { $0 != $1.ownerID })
        #expect(reassigned.contains { $0.reasons.first?.feature == "owner_removed" })
        // Each partition reassigns at one position: its copy of the control event.
        let log = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers)
        var switchOffset: [Int32: Int64] = [:]
        for record in reassigned {
            let position = record.lineage
            #expect(switchOffset[position.logPartition, default: position.logOffset] == position.logOffset)
            switchOffset[position.logPartition] = position.logOffset
            let control = log.first { $0.partition == position.logPartition && $0.offset == position.logOffset }
            #expect(control?.headers.contains { $0.key == "ll-control" } == true)
        }
        // After the switch no decision routes to rep-5 (unless a person pins the lead there: an override).
        let afterSwitch = routed.filter { record in
            switchOffset[record.lineage.logPartition].map { record.lineage.logOffset >= $0 } ?? false
        }
        #expect(!afterSwitch.contains { $0.ownerID == "rep-5" && $0.change != .override })
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers).map { try AuditRecordView($0.value) }
        #expect(audit.filter { $0.eventKind == "ruleset.promote" }.count == switchOffset.count)

        let verify = try await runCLI(["audit", "verify", "--config", config] + state, directory: directory, name: "verify", seconds: 150)
        #expect(verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout)\(verify.stderr.suffix(1500))")
    }
}
