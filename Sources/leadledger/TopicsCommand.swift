import ArgumentParser
import Kafka
import LeadLedgerEngine

/// `leadledger topics list|create`.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List or create topics.",
        subcommands: [List.self, Create.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List topics and their partitions.",
            discussion: """
                Internal topics (named __...) only with --verbose. --format json prints one
                object with every partition (schemas/cli/topics-list.schema.json).

                Examples:
                  leadledger topics list -b localhost:9092
                  leadledger topics list --client-config client.properties --format json
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Flag(name: .shortAndLong, help: "Show every partition with its leader and replicas, and internal topics.")
        var verbose = false

        @Option(help: "Output: text, or json (schemas/cli/topics-list.schema.json).")
        var format: ReportFormat = .text

        func run() async throws {
            let settings = try connection.settings()
            let admin = try KafkaAdminClient(
                configuration: KafkaAdminConfiguration(bootstrapServers: settings.brokers, properties: settings.properties),
                logger: connection.makeLogger("leadledger.topics")
            )
            let topics = try await admin.listTopics().filter { !$0.name.hasPrefix("__") || verbose }
            await admin.close()
            switch format {
            case .json:
                StandardOutput.write(try ReportFormat.json(TopicsReport(topics)))
            case .text:
                var text = ""
                for topic in topics {
                    text += "\(topic.name)\tpartitions=\(topic.partitions.count)\(topic.error.map { "\terror=\($0.code)" } ?? "")\n"
                    if verbose {
                        for partition in topic.partitions {
                            text +=
                                "  partition \(partition.id)\tleader=\(partition.leader)\treplicas=\(partition.replicas.map(String.init).joined(separator: ","))\tisr=\(partition.inSyncReplicas.map(String.init).joined(separator: ","))\n"
                        }
                    }
                }
                StandardOutput.write(TerminalText.escapingControls(text, keepingLineBreaksAndTabs: true))
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a topic.",
            discussion: """
                Examples:
                  leadledger topics create crm.events --partitions 3 \\
                    --topic-config retention.ms=604800000
                  leadledger topics create leadledger.events -b kafka:9092 --partitions 6 \\
                    --replication-factor 3 --topic-config retention.ms=-1
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "Topic name.")
        var name: String

        @Option(help: "Number of partitions.")
        var partitions: Int32 = 1

        @Option(help: "Replication factor (default: the broker's default.replication.factor).")
        var replicationFactor: Int16?

        @Option(
            name: .customLong("topic-config"),
            help: ArgumentHelp("A topic config key=value, e.g. retention.ms=-1 (repeatable).", valueName: "key=value"))
        var configs: [String] = []

        /// kafka-topics' spelling of `--topic-config` (the engine commands' `--config` is a file).
        @Option(name: .customLong("config"), help: .hidden)
        var legacyConfigs: [String] = []

        @Flag(help: "Succeed when the topic already exists.")
        var ifNotExists = false

        func validate() throws {
            _ = try parseKeyValues(configs + legacyConfigs, what: "topic config")
        }

        func run() async throws {
            let settings = try connection.settings()
            let admin = try KafkaAdminClient(
                configuration: KafkaAdminConfiguration(bootstrapServers: settings.brokers, properties: settings.properties),
                logger: connection.makeLogger("leadledger.topics")
            )
            do {
                try await admin.createTopic(
                    name: name, partitions: partitions,
                    replicationFactor: replicationFactor ?? KafkaNewTopic.brokerDefaultReplicationFactor,
                    configs: try parseKeyValues(configs + legacyConfigs, what: "topic config"))
                print("created topic \(name) with \(partitions) partitions")
            } catch let error as KafkaError where error.isTopicAlreadyExists && ifNotExists {
                print("topic \(name) already exists")
            }
            await admin.close()
        }
    }
}
