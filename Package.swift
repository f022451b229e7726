// swift-tools-version: 6.1
// LeadLedger — an event-sourced streaming processor for B2B lead qualification.
import PackageDescription

let package = Package(
    name: "LeadLedger",
    // macOS 15: the Kafka module uses `Synchronization.Mutex`.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "LeadLedgerDecisions", targets: ["LeadLedgerDecisions"]),
        .library(name: "LeadLedgerEngine", targets: ["LeadLedgerEngine"]),
        .executable(name: "leadledger", targets: ["leadledger"]),
        .executable(name: "leadledger-bench", targets: ["leadledger-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // librdkafka's C API through pkg-config (`rdkafka`, >= 2.2).
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // The Kafka client: producer, consumer (groups, manual assignment), admin.
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The streaming engine: resolve and materialize stages, snapshots, replay, audit.
        .target(
            name: "LeadLedgerEngine",
            dependencies: [
                "Kafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The `leadledger` command line.
        .executableTarget(
            name: "leadledger",
            dependencies: [
                "Kafka",
                "LeadLedgerEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks (`leadledger-bench kafka`, ...).
        .executableTarget(
            name: "leadledger-bench",
            dependencies: [
                "Kafka",
                "LeadLedgerDecisions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: [
                "Kafka",
                // Built so tests can spawn the CLI from the products directory.
                "leadledger",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LeadLedgerEngineTests",
            dependencies: [
                "Kafka",
                "LeadLedgerEngine",
                "leadledger",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Model layer of the decisions stage: feature vectors, rule model, logistic
        // regression, tree ensembles, TreeSHAP, calibration, ensemble, metrics.
        // No Kafka and no I/O: configs and artifacts come in as Data/String.
        .target(
            name: "LeadLedgerDecisions",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "LeadLedgerDecisionsTests",
            dependencies: ["LeadLedgerDecisions"],
            exclude: ["Scripts"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
