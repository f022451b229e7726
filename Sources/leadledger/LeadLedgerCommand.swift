import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine

/// `leadledger`: the LeadLedger command line. Engine commands (`run`, `replay`, ...)
/// are added as further subcommands next to the Kafka utilities.
@main
struct LeadLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadledger",
        abstract: "LeadLedger: event-sourced B2B lead qualification on Kafka.",
        discussion: """
            CONNECTION
              Every command that talks to Kafka takes -b/--brokers/--bootstrap-server,
              -X key=value (any librdkafka property) and --client-config FILE (Java
              properties, like the Kafka tools' --command-config). Precedence, highest
              first: -X and --brokers; the environment (LEADLEDGER_KAFKA_<KEY> for a
              property, e.g. LEADLEDGER_KAFKA_SASL_PASSWORD for sasl.password, and
              LEADLEDGER_BROKERS); the --client-config file (or LEADLEDGER_CLIENT_CONFIG);
              the YAML --config's brokers: and properties:; the default localhost:9092.

            EXAMPLES
              leadledger topics list -b localhost:9092
              leadledger consume --topic leadledger.routing --format jsonl --exit-at-end
              leadledger run --config leadledger.yaml --client-config client.properties
              leadledger audit verify --config leadledger.yaml --format json

            EXIT STATUS
              0  success
              1  a check found differences or refused: audit verify differences,
                 lag --wait timed out, train refused (too few examples), models
                 promote or rollback refused
              2  usage error: unknown option, bad value (the usage is printed)
              3  runtime error: broker unreachable, topic missing, delivery failed,
                 a rejected property, an unreadable or invalid configuration file,
                 librdkafka too old, run's HTTP port in use, an unknown model
                 version or rule set, a start offset past the end of every
                 partition read (one line on stderr)
            """,
        version: "leadledger \(LeadLedgerVersion.current) (librdkafka \(librdkafka))",
        subcommands: [
            TopicsCommand.self, ProduceCommand.self, ConsumeCommand.self, GenerateCommand.self, RunCommand.self, TrainCommand.self,
            ReplayCommand.self, AuditCommand.self, ExplainCommand.self, WatchCommand.self, LagCommand.self, KPIsCommand.self,
            DriftCommand.self, BacktestCommand.self, DLQCommand.self, ServeCommand.self, TokensCommand.self, ModelsCommand.self,
            RulesCommand.self, FeaturesCommand.self,
        ]
    )

    /// The librdkafka release in use: the linked library's, unless the test-only
    /// `LEADLEDGER_TEST_LIBRDKAFKA_VERSION` simulates another (so the refusal of an
    /// old library can be tested on a machine with a new one).
    static let librdkafka: LibrdkafkaVersion = {
        if let simulated = ProcessInfo.processInfo.environment["LEADLEDGER_TEST_LIBRDKAFKA_VERSION"],
            let version = LibrdkafkaVersion(simulated)
        {
            return version
        }
        return LibrdkafkaVersion.linked
    }()

    /// Refuses an old librdkafka, runs the command, and maps its failure to an exit
    /// status (see ``ExitStatus``): ArgumentParser's own usage status 64 becomes 2, and
    /// a runtime error prints one line instead of the usage.
    static func main() async {
        if let refusal = LibrdkafkaVersion.refusal(of: librdkafka) {
            FileHandle.standardError.write(Data("leadledger: error: \(refusal)\n".utf8))
            terminate(ExitStatus.runtime)
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let outcome = ExitStatus.outcome(of: error, command: self)
            if !outcome.message.isEmpty {
                if outcome.toStandardOutput {
                    print(outcome.message)
                } else {
                    FileHandle.standardError.write(Data((outcome.message + "\n").utf8))
                }
            }
            terminate(outcome.status)
        }
    }
}

/// Ends the process with `status` (the C library's `exit`, which flushes stdio).
private func terminate(_ status: Int32) -> Never {
    exit(status)
}
