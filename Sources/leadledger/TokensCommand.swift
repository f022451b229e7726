import ArgumentParser
import Foundation
import LeadLedgerReadModel

extension AccessRole: ExpressibleByArgument {}

/// `leadledger tokens`: manage the read model's token file.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Manage the API tokens of `leadledger serve`.",
        subcommands: [Add.self]
    )

    /// `leadledger tokens add NAME --role ROLE --file FILE`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Create a token: store its SHA-256 in the file and print it once on stdout.",
            discussion: """
                Creates a random token (256 bits from the system's secure generator,
                URL-safe), appends {name, sha256, role} to the token file (created
                when missing, mode 0600) and prints the token, alone on stdout. The
                file keeps only the digest: the token cannot be shown again.
                Roles: viewer (KPIs, queues, DLQ counts; personal data masked),
                analyst (lead and account details), operator (overrides, DLQ
                payloads), admin. The name is the actor an override names (set_by).

                Example:
                  TOKEN=$(leadledger tokens add alice --role analyst --file tokens.yaml)
                """
        )

        @Argument(help: "The token's name (1-64 characters of A-Z a-z 0-9 . _ -).")
        var name: String

        @Option(help: "The role: viewer, analyst, operator or admin.")
        var role: AccessRole

        @Option(help: ArgumentHelp("The token file.", valueName: "file"))
        var file: String

        func validate() throws {
            if !TokenFile.isValidName(name) { throw ValidationError("NAME must be 1-64 characters of A-Z a-z 0-9 . _ -") }
        }

        func run() throws {
            let token = try TokenFile.addToken(name: name, role: role, path: file)
            StandardOutput.write(token + "\n")
            FileHandle.standardError.write(Data("added token \(name) (\(role.rawValue)) to \(file)\n".utf8))
        }
    }
}
