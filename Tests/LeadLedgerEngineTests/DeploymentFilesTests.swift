import Foundation
import TestSupport
import Testing

/// The deployment files (docker-compose.yml, deploy/kubernetes/) against the schemas
/// committed in deploy/schemas/, with `check-jsonschema` from the test venv. No Docker
/// engine or cluster runs here, so this is what keeps those files correct.
@Suite("Deployment files")
struct DeploymentFilesTests {
    /// The schema file of each Kubernetes kind the manifests use.
    static let kubernetesSchemas = [
        "ConfigMap": "configmap-v1",
        "Deployment": "deployment-apps-v1",
        "PodDisruptionBudget": "poddisruptionbudget-policy-v1",
        "Service": "service-v1",
        "StatefulSet": "statefulset-apps-v1",
    ]

    /// Runs check-jsonschema on `file`; returns its exit status and report.
    static func validate(_ file: String, schema: String) async throws -> (status: Int32, report: String) {
        let python = testPython
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("no Python with check-jsonschema: set LEADLEDGER_PYTHON or run scripts/bootstrap --tests")
        }
        let result = try await runProcess(
            python, ["-m", "check_jsonschema", "--schemafile", repoRoot.appendingPathComponent(schema).path, file])
        return (result.status, result.stdout + result.stderr)
    }

    /// The manifests in deploy/kubernetes/ with the `kind` each declares.
    static func manifests() throws -> [(path: String, kind: String)] {
        let directory = repoRoot.appendingPathComponent("deploy/kubernetes")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return try names.map { name in
            let path = directory.appendingPathComponent(name).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let kind = text.split(separator: "\n").first { $0.hasPrefix("kind:") }.map {
                $0.dropFirst("kind:".count).trimmingCharacters(in: .whitespaces)
            }
            return (path, kind ?? "")
        }
    }

    @Test("docker-compose.yml follows the Compose Specification")
    func composeFile() async throws {
        let result = try await Self.validate(
            repoRoot.appendingPathComponent("docker-compose.yml").path, schema: "deploy/schemas/compose-spec.json")
        #expect(result.status == 0, "\(result.report)")
    }

    @Test("every Kubernetes manifest is valid for its kind (strict: no unknown fields)")
    func kubernetesManifests() async throws {
        let manifests = try Self.manifests()
        #expect(Set(manifests.map(\.kind)) == Set(["ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "StatefulSet"]))
        for manifest in manifests {
            let schema = try #require(Self.kubernetesSchemas[manifest.kind], "no schema for kind '\(manifest.kind)' of \(manifest.path)")
            let result = try await Self.validate(manifest.path, schema: "deploy/schemas/kubernetes/\(schema).json")
            #expect(result.status == 0, "\(manifest.path): \(result.report)")
        }
    }

    @Test("the validation catches a misspelled field and a wrong type")
    func validationRejectsMistakes() async throws {
        let directory = try makeTemporaryDirectory("deploy-check")
        let statefulSet = try String(
            contentsOf: repoRoot.appendingPathComponent("deploy/kubernetes/run-statefulset.yaml"), encoding: .utf8)
        let broken = [
            statefulSet.replacing("terminationGracePeriodSeconds:", with: "terminationGracePeriodSecond:"),
            statefulSet.replacing("containerPort: 8080", with: "containerPort: eighty"),
        ]
        for (index, text) in broken.enumerated() {
            #expect(text != statefulSet)
            let path = (directory as NSString).appendingPathComponent("broken-\(index).yaml")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await Self.validate(path, schema: "deploy/schemas/kubernetes/statefulset-apps-v1.json")
            #expect(result.status != 0, "accepted: \(text)")
        }
    }

    @Test("the StatefulSet's grace period is longer than a hand-over, and its probes use the health endpoints")
    func statefulSetShutdownAndProbes() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("deploy/kubernetes/run-statefulset.yaml"), encoding: .utf8)
        let grace = text.split(separator: "\n").first { $0.contains("terminationGracePeriodSeconds:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
        // A hand-over: the consumer session (45 s by default) plus the producer flush (30 s).
        #expect((grace ?? 0) > 45 + 30)
        #expect(text.contains("path: /health/live"))
        #expect(text.contains("path: /health/ready"))
    }
}
