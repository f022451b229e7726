// swift-tools-version: 6.1
// LeadLedger's libFuzzer targets, in a package of their own so the sanitizer build
// (`-sanitize=fuzzer,address`) never touches the main build and needs no Kafka.
//
// The two pure modules are compiled here from the main package's sources (the
// symbolic links under Sources/), not taken as a path dependency: the record
// views the fuzzer drives have `package` access, which a module of another
// package cannot see, and a path dependency would resolve every dependency of
// the main package (librdkafka's system-library target included).
import PackageDescription

let package = Package(
    name: "LeadLedgerFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
    ],
    targets: [
        .target(
            name: "LeadLedgerCore",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")],
            resources: [
                .embedInCode("Normalization/Resources/free-mail-domains.txt"),
                .embedInCode("Normalization/Resources/disposable-mail-domains.txt"),
                .embedInCode("Normalization/Resources/public-suffixes.txt"),
            ]
        ),
        .target(
            name: "LeadLedgerDecisions",
            dependencies: [
                "LeadLedgerCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The process entry: hands the command line to libFuzzer's driver (see FuzzDriver.c).
        .target(name: "FuzzDriver"),
        // One libFuzzer binary; `LEADLEDGER_FUZZ_TARGET` picks the target (see FuzzTarget.swift).
        // `-parse-as-library`: the module defines no `main` of its own.
        .executableTarget(
            name: "leadledger-fuzz",
            dependencies: ["LeadLedgerCore", "LeadLedgerDecisions", "FuzzDriver"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
