// swift-tools-version: 6.1
// LeadLedger — an event-sourced streaming processor for B2B lead qualification.
import PackageDescription

let package = Package(
    name: "LeadLedger",
    // macOS 15: the Kafka module uses `Synchronization.Mutex`.
    platforms: [.macOS(.v15)],
    products: [
        // The one library API (docs/architecture.md, "Public API"); the other
        // modules share their code within the package through `package` access.
        .library(name: "Kafka", targets: ["Kafka"]),
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
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
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
                // The metrics API only; the process picks the backend (Prometheus in `run`).
                .product(name: "Metrics", package: "swift-metrics"),
                // Crypto-shredding: HKDF, HMAC lead ids, AES-GCM subject keys (`Privacy/`).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // What an operator of `run` sees: the Prometheus registry, the HTTP server
        // with /metrics and the health probes, the JSON log handler.
        .target(
            name: "LeadLedgerOperations",
            dependencies: [
                "LeadLedgerCore",
                "LeadLedgerEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
        // Measurement of the model lifecycle: outcome KPIs, drift (PSI), lift of the
        // holdout arm, backtest comparison. Pure: decisions and outcomes come in as values.
        .target(
            name: "LeadLedgerAnalytics",
            dependencies: ["LeadLedgerCore", "LeadLedgerDecisions"]
        ),
        // Evaluations on external data sets (X Education: its CSV reader, the mapping
        // onto the inbound contracts, the held-out figures). Used by the benchmark
        // and its tests; not a product.
        .target(
            name: "LeadLedgerEvaluation",
            dependencies: ["LeadLedgerCore", "LeadLedgerDecisions"]
        ),
        // The read model behind `leadledger serve`: a downstream consumer of the
        // routing, audit and outcome topics into SQLite, its JSON API, access
        // control and the dashboard.
        .target(
            name: "LeadLedgerReadModel",
            dependencies: [
                "Kafka",
                "LeadLedgerAnalytics",
                "LeadLedgerCore",
                "LeadLedgerDecisions",
                "LeadLedgerEngine",
                "LeadLedgerOperations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
            ],
            resources: [
                .embedInCode("Dashboard/index.html"),
                .embedInCode("Dashboard/dashboard.js"),
                .embedInCode("Dashboard/dashboard.css"),
            ]
        ),
        // The `leadledger` command line.
        .executableTarget(
            name: "leadledger",
            dependencies: [
                "Kafka",
                "LeadLedgerCore",
                "LeadLedgerDecisions",
                "LeadLedgerEngine",
                "LeadLedgerAnalytics",
                "LeadLedgerOperations",
                "LeadLedgerReadModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
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
                "LeadLedgerOperations",
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
                "LeadLedgerReadModel",
                "leadledger",
                // Built so the chaos test can run the harness from the products directory.
                "leadledger-bench",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Scripts", "Fixtures"]
        ),
        .testTarget(
            name: "LeadLedgerOperationsTests",
            dependencies: [
                "LeadLedgerOperations",
                "LeadLedgerEngine",
                "TestSupport",
                // Built so tests can spawn the CLI from the products directory.
                "leadledger",
                .product(name: "Logging", package: "swift-log"),
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
            name: "LeadLedgerAnalyticsTests",
            dependencies: [
                "LeadLedgerAnalytics",
                "LeadLedgerCore",
                "LeadLedgerDecisions",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "LeadLedgerReadModelTests",
            dependencies: [
                "LeadLedgerReadModel",
                "LeadLedgerAnalytics",
                "LeadLedgerEngine",
                "LeadLedgerDecisions",
                "LeadLedgerCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LeadLedgerEvaluationTests",
            dependencies: ["LeadLedgerEvaluation", "LeadLedgerDecisions", "LeadLedgerCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
