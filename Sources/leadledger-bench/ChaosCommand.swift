import ArgumentParser
import Dispatch
import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerEngine
import Logging
import Synchronization

/// `leadledger-bench chaos`: kills and restarts `leadledger run` processes and
/// freezes the broker while a generator produces a steady workload, then checks
/// from the topics that nothing was lost and every repeat is identical.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Kill, restart and freeze under load; then check that nothing was lost or diverged.",
        discussion: """
            Starts a broker with scripts/broker (unless --bootstrap-server is given), writes a
            configuration with fresh topics and groups into --directory, and runs --processes
            `leadledger run` processes in one group while `leadledger generate` produces --rate
            messages a second (3 % of them malformed). At seeded random times one process is
            SIGKILLed or SIGTERMed and restarted; halfway through, the broker is frozen (SIGSTOP)
            for --freeze-seconds, longer than the run processes' message.timeout.ms. Then the
            harness waits for every stage to catch up (`leadledger lag --wait`), stops the
            processes, and checks: every inbound message accepted or in the DLQ; the log equal to
            a clean re-resolution of the repartition topic; exactly one audit id per log event;
            every repeated record byte-identical; `leadledger audit verify` OK.
            The last line is `kills N, lost L, divergent D, duplicates X`. Exit status 1 when a
            check fails (L or D above 0 among them), 2 when the --deadline is reached first.
            Every child is stopped on any exit, SIGINT and SIGTERM included.
            """
    )

    @Option(help: "Kills (SIGKILL or SIGTERM, then a restart) to make.")
    var kills: Int

    @Option(help: "Seed of the kill schedule and the workload.")
    var seed: UInt64 = 1

    @Option(help: "leadledger run processes in the group (2 or 3).")
    var processes: Int = 2

    @Option(help: "How long the broker is frozen (default: message.timeout.ms + 3 s).")
    var freezeSeconds: Double?

    @Option(help: "message.timeout.ms of the run processes' producers.")
    var messageTimeoutMs: Int = 3000

    @Option(
        name: [.customLong("bootstrap-server"), .customLong("brokers")],
        help: "Use this broker instead of starting one (the freeze then needs --broker-pid).")
    var bootstrapServer: String?

    @Option(help: "PID of the broker given with --bootstrap-server, to freeze it.")
    var brokerPid: Int32?

    @Option(help: "Port of the broker the harness starts.")
    var brokerPort: Int = 19240

    @Option(help: "The script that starts and stops the broker.")
    var brokerScript: String = "scripts/broker"

    @Option(help: "The leadledger executable (default: next to this binary).")
    var cli: String?

    @Option(help: "Inbound messages a second.")
    var rate: Int = 200

    @Option(help: "Seconds between two kills: the schedule draws from min...max.")
    var minGap: Double = 1.0

    @Option(help: "Seconds between two kills: the schedule draws from min...max.")
    var maxGap: Double = 4.0

    @Option(help: "Give up (stop everything, exit 2) after this many seconds.")
    var deadline: Double = 1800

    @Option(help: "Directory for the configuration, state and process logs (default: a new temporary one).")
    var directory: String?

    @Option(help: "Scoring configuration (default: the configuration's default, config/scoring.yaml).")
    var scoringFile: String?

    @Option(help: "Routing rules (default: the configuration's default, config/routing.yaml).")
    var routingFile: String?

    func validate() throws {
        guard kills >= 1 else { throw ValidationError("--kills must be at least 1") }
        guard processes == 2 || processes == 3 else { throw ValidationError("--processes must be 2 or 3") }
        guard rate >= 1 else { throw ValidationError("--rate must be at least 1") }
        guard minGap > 0, maxGap >= minGap, maxGap.isFinite else { throw ValidationError("need 0 < --min-gap <= --max-gap") }
        guard deadline > 0, deadline.isFinite else { throw ValidationError("--deadline must be positive") }
        if let freezeSeconds {
            guard freezeSeconds > 0, freezeSeconds.isFinite else { throw ValidationError("--freeze-seconds must be positive") }
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let session = try ChaosSession(options: self)
        session.installExitHandlers(deadline: deadline)
        let status: Int32
        do {
            status = try await session.run()
        } catch {
            session.say("chaos: \(error)")
            session.cleanUp()
            throw ExitCode(2)
        }
        session.cleanUp()
        let elapsed = (ContinuousClock.now - started).components.seconds
        session.say("duration: \(elapsed) s")
        session.say(session.resultLine)
        if status != 0 {
            throw ExitCode(status)
        }
    }
}
