// swift-tools-version: 6.1
// LeadLedger — an event-sourced streaming processor for B2B lead qualification.
import PackageDescription

let package = Package(
    name: "LeadLedger",
    // macOS 15: the Kafka module uses `Synchronization.Mutex`.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "LeadLedgerCore", targets: ["LeadLedgerCore"]),
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
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
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
                "LeadLedgerCore",
                "LeadLedgerDecisions",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The pure, I/O-free domain core: contracts, normalization, identity,
        // projections and the account graph. No Kafka, no files, no clock.
        .target(
            name: "LeadLedgerCore",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections")
            ],
            resources: [
                .embedInCode("Normalization/Resources/free-mail-domains.txt"),
                .embedInCode("Normalization/Resources/disposable-mail-domains.txt"),
                .embedInCode("Normalization/Resources/public-suffixes.txt"),
            ]
        ),
        // Model layer of the decisions stage: feature vectors, rule model, logistic
        // regression, tree ensembles, TreeSHAP, calibration, ensemble, metrics.
        // No Kafka and no I/O: configs and artifacts come in as Data/String.
        .target(
            name: "LeadLedgerDecisions",
            dependencies: [
                "LeadLedgerCore",
                .product(name: "Yams", package: "Yams"),
                // SHA-256 of configurations and artifacts (model and ruleset versions).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Evaluations on external data sets (X Education: its CSV reader, the mapping
        // onto the inbound contracts, the held-out figures). Used by the benchmark
        // and its tests; not a product.
        .target(
            name: "LeadLedgerEvaluation",
            dependencies: ["LeadLedgerCore", "LeadLedgerDecisions"]
        ),
        // The `leadledger` command line.
        .executableTarget(
            name: "leadledger",
            dependencies: [
                "Kafka",
                "LeadLedgerCore",
                "LeadLedgerDecisions",
                "LeadLedgerEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks, one subcommand each (`leadledger-bench kafka|core|decisions`).
        .executableTarget(
            name: "leadledger-bench",
            dependencies: [
                "Kafka",
                "LeadLedgerCore",
                "LeadLedgerDecisions",
                "LeadLedgerEngine",
                "LeadLedgerEvaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Helpers the test targets share (time limits, processes, the test
        // broker). A plain library target under Tests/, not a product.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: [
                "Kafka",
                "TestSupport",
                // Built so tests can spawn the CLI from the products directory.
                "leadledger",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LeadLedgerEngineTests",
            dependencies: [
                "Kafka",
                "TestSupport",
                "LeadLedgerCore",
                "LeadLedgerDecisions",
                "LeadLedgerEngine",
                "leadledger",
                // Built so the chaos test can run the harness from the products directory.
                "leadledger-bench",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "LeadLedgerCoreTests",
            dependencies: [
                "LeadLedgerCore",
                "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures", "validate_fixtures.py"]
        ),
        .testTarget(
            name: "LeadLedgerDecisionsTests",
            dependencies: [
                "LeadLedgerDecisions",
                "LeadLedgerCore",
                "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Scripts", "Golden"]
        ),
        .testTarget(
            name: "LeadLedgerEvaluationTests",
            dependencies: ["LeadLedgerEvaluation", "LeadLedgerDecisions", "LeadLedgerCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
