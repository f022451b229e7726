import Foundation
import TestSupport
import Testing

/// `scripts/bootstrap --dry-run` on simulated machines: stand-ins for `swift`,
/// `pkg-config` and `apt-cache` first on PATH report the versions of another
/// distribution (Ubuntu 24.04's librdkafka 2.3, Debian 12's 2.0.2, an old
/// Swift); the script prints what it would install or build and changes nothing.
@Suite("First run (scripts/bootstrap --dry-run)")
struct BootstrapTests {
    /// Runs the dry run with the stand-ins reporting `swift`, `installed` (nil: no
    /// librdkafka) and the `packaged` librdkafka-dev version apt offers.
    func dryRun(swift: String = "6.3.1", installed: String?, packaged: String?, arguments: [String] = []) async throws -> (
        status: Int32, log: String
    ) {
        let directory = try makeTemporaryDirectory("bootstrap")
        let bin = (directory as NSString).appendingPathComponent("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let scripts = [
            "swift": "#!/bin/sh\necho 'Swift version \(swift) (swift-\(swift)-RELEASE)'\necho 'Target: x86_64-unknown-linux-gnu'\n",
            "pkg-config": """
            #!/bin/sh
            if [ "$1" = --modversion ] && [ "$2" = rdkafka ]; then \(installed.map { "echo \($0); exit 0" } ?? "exit 1"); fi
            if [ "$1" = --variable=libdir ]; then echo /usr/lib/x86_64-linux-gnu; exit 0; fi
            exit 1

            """,
            "apt-cache":
                "#!/bin/sh\necho 'librdkafka-dev:'\necho '  Installed: \(installed.map { "\($0)-1" } ?? "(none)")'\necho '  Candidate: \(packaged ?? "(none)")'\n",
        ]
        for (name, text) in scripts {
            let path = (bin as NSString).appendingPathComponent(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["LEADLEDGER_PREFIX"] = (directory as NSString).appendingPathComponent("prefix")
        let script = repoRoot.appendingPathComponent("scripts/bootstrap").path
        let result = try await runProcess(script, ["--dry-run", "--no-python"] + arguments, environment: environment)
        return (result.status, result.stderr)
    }

    /// Ubuntu 24.04 with its librdkafka-dev (2.3.0) installed: nothing is built or installed.
    @Test func ubuntuNobleUsesTheInstalledPackage() async throws {
        let run = try await dryRun(installed: "2.3.0", packaged: "2.3.0-1build2")
        #expect(run.status == 0, "\(run.log)")
        #expect(run.log.contains("librdkafka 2.3.0 present"), "\(run.log)")
        #expect(!run.log.contains("would build") && !run.log.contains("librdkafka-dev >"), "\(run.log)")
    }

    /// Ubuntu 24.04 without librdkafka: apt's librdkafka-dev 2.3.0 is installed, no source build.
    @Test func ubuntuNobleInstallsTheDistributionPackage() async throws {
        let run = try await dryRun(installed: nil, packaged: "2.3.0-1build2")
        #expect(run.status == 0, "\(run.log)")
        #expect(run.log.contains("the distribution's librdkafka-dev is 2.3.0: installing it"), "\(run.log)")
        #expect(
            run.log.split(separator: "\n").contains {
                $0.contains("would run:") && $0.contains("apt-get install") && $0.hasSuffix("librdkafka-dev")
            }, "\(run.log)")
        #expect(!run.log.contains("would build"), "\(run.log)")
    }

    /// Debian 12 (librdkafka-dev 2.0.2): built from source, without the bench tool.
    @Test func debianBookwormBuildsFromSource() async throws {
        let run = try await dryRun(installed: nil, packaged: "2.0.2-1")
        #expect(run.status == 0, "\(run.log)")
        #expect(run.log.contains("librdkafka-dev is 2.0.2: building a newer release from source"), "\(run.log)")
        #expect(run.log.contains("would build librdkafka from the source package (library: 1, rdkafka_performance: 0)"), "\(run.log)")
    }

    /// The benchmark's C tool only with --bench, without rebuilding a good library.
    @Test func benchToolOnlyWithBench() async throws {
        let run = try await dryRun(installed: "2.3.0", packaged: "2.3.0-1build2", arguments: ["--bench"])
        #expect(run.status == 0, "\(run.log)")
        #expect(run.log.contains("would build librdkafka from the source package (library: 0, rdkafka_performance: 1)"), "\(run.log)")
    }

    /// An old Swift stops the script first, saying where to get a new one.
    @Test func oldSwiftIsRefusedFirst() async throws {
        let run = try await dryRun(swift: "5.10", installed: "2.3.0", packaged: nil)
        #expect(run.status == 1, "\(run.log)")
        #expect(run.log.contains("Swift 5.10 is older than 6.1") && run.log.contains("https://www.swift.org/install/"), "\(run.log)")
        #expect(run.log.split(separator: "\n").count == 1, "\(run.log)")
    }
}
