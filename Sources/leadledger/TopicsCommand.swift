import ArgumentParser
import Kafka

/// `leadledger topics list|create`.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List or create topics.",
        subcommands: [List.self, Create.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List topics and their partitions.")

        @OptionGroup var connection: ConnectionOptions

        @Flag(name: .shortAndLong, help: "Show every partition with its leader and replicas.")
        var verbose = false

        func run() async throws {
            let settings = try connection.settings()
            let admin = try KafkaAdminClient(
                configuration: KafkaAdminConfiguration(bootstrapServers: settings.brokers, properties: settings.properties),
                logger: connection.makeLogger("leadledger.topics")
            )
            defer { Task { await admin.close() } }
            let topics = try await admin.listTopics()
            for topic in topics where !topic.name.hasPrefix("__") || verbose {
                print("\(topic.name)\tpartitions=\(topic.partitions.count)\(topic.error.map { "\terror=\($0.code)" } ?? "")")
                if verbose {
                    for partition in topic.partitions {
                        print("  partition \(partition.id)\tleader=\(partition.leader)\treplicas=\(partition.replicas.map(String.init).joined(separator: ","))\tisr=\(partition.inSyncReplicas.map(String.init).joined(separator: ","))")
                    }
                }
            }
            await admin.close()
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a topic.",
            discussion: """
            Examples:
              leadledger topics create crm.events --partitions 3 --topic-config retention.ms=604800000
              leadledger topics create leadledger.events -b kafka:9092 --partitions 6 --replication-factor 3 --topic-config retention.ms=-1
            """
        )

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "Topic name.")
        var name: String

        @Option(help: "Number of partitions.")
        var partitions: Int32 = 1

        @Option(help: "Replication factor (default: the broker's default.replication.factor).")
        var replicationFactor: Int16?

        @Option(name: .customLong("topic-config"), help: ArgumentHelp("A topic config key=value, e.g. retention.ms=-1 (repeatable).", valueName: "key=value"))
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
                try await admin.createTopic(name: name, partitions: partitions, replicationFactor: replicationFactor ?? KafkaNewTopic.brokerDefaultReplicationFactor,
                                            configs: try parseKeyValues(configs + legacyConfigs, what: "topic config"))
                print("created topic \(name) with \(partitions) partitions")
            } catch let error as KafkaError where error.isTopicAlreadyExists && ifNotExists {
                print("topic \(name) already exists")
            }
            await admin.close()
        }
    }
}
