import ArgumentParser
import Auth
import Foundation

/// `holdfast token`: makes the bearer tokens clients present (wire handshake, REST).
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make bearer tokens (JWT) for clients.",
        subcommands: [TokenCreateCommand.self])
}

/// `holdfast token create`: prints one signed token and a newline, nothing else,
/// so `TOKEN=$(holdfast token create ...)` works.
struct TokenCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Print a signed JWT for a subject, role and store.",
        discussion: """
            HS256 with the secret of --secret-file, else env HOLDFAST_JWT_SECRET, else <data-dir>/jwt-secret \
            (the file `holdfast serve` creates). RS256 with --private-key-file. The token is valid from now \
            for --ttl-seconds. Roles: customer (its --subject is its customer id), inventory_manager, admin. \
            Store '*' (every store) is for admin only; `holdfast bench` needs such a token.
            """)

    @Option(help: "customer, inventory_manager or admin.")
    var role: String

    @Option(help: "The store the token is for, or '*' for every store (admin only).")
    var store: String

    @Option(help: "Who the token speaks for ('sub'); for customers, their customer id.")
    var subject: String

    @Option(help: "Lifetime in seconds (at most 30 days).")
    var ttlSeconds: Int64 = 3_600

    @Option(help: "HS256: file holding the secret.")
    var secretFile: String?

    @Option(help: "HS256: data directory whose jwt-secret file to use.")
    var dataDir = "./holdfast-data"

    @Option(help: "RS256: PEM file of the unencrypted RSA private key.")
    var privateKeyFile: String?

    @Option(help: "The 'iss' claim.")
    var issuer: String?

    @Option(help: "The 'aud' claim.")
    var audience: String?

    func validate() throws {
        guard Role(rawValue: role) != nil else {
            throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...AuthLimits.ttlSecondsMax).contains(ttlSeconds) else {
            throw ValidationError("--ttl-seconds must be 1...\(AuthLimits.ttlSecondsMax) (30 days)")
        }
        if privateKeyFile != nil && secretFile != nil {
            throw ValidationError("give --secret-file or --private-key-file, not both")
        }
    }

    func run() throws {
        let role = Role(rawValue: role)!
        let now = Int64(Date().timeIntervalSince1970)
        let token: String
        do {
            if let privateKeyFile {
                guard let pem = try? String(contentsOfFile: privateKeyFile, encoding: .utf8) else {
                    throw ValidationError("cannot read --private-key-file \(privateKeyFile)")
                }
                token = try TokenIssuer.rs256(
                    subject: subject, role: role, store: store, ttlSeconds: ttlSeconds, now: now, privateKeyPEM: pem,
                    issuer: issuer, audience: audience)
            } else {
                token = try TokenIssuer.hs256(
                    subject: subject, role: role, store: store, ttlSeconds: ttlSeconds, now: now, secret: try secret(),
                    issuer: issuer, audience: audience)
            }
        } catch let failure as TokenIssuer.Failure {
            throw ValidationError(failure.description)
        }
        print(token)
    }

    /// The HS256 secret: --secret-file, else HOLDFAST_JWT_SECRET, else <data-dir>/jwt-secret.
    private func secret() throws -> [UInt8] {
        let ignore: (String) -> Void = { OperatorOutput.printError($0) }
        if let secretFile { return try SecretFile.read(secretFile, say: ignore) }
        if let environment = ProcessInfo.processInfo.environment["HOLDFAST_JWT_SECRET"], !environment.isEmpty {
            return TokenKeys.secret(fromFileContents: Array(environment.utf8))
        }
        let path = (dataDir as NSString).appendingPathComponent(ServeAuthOptions.defaultSecretFileName)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(
                "no secret: \(path) does not exist (start `holdfast serve --data-dir \(dataDir)` once, "
                    + "or give --secret-file or HOLDFAST_JWT_SECRET)")
        }
        return try SecretFile.read(path, say: ignore)
    }
}
