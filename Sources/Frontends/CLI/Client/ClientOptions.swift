import ArgumentParser
import Foundation
import HoldfastClient

/// Options every client command shares: which server, who we are, how to print.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server: host:port, :port, or unix:/path/to.sock.")
    var server = "127.0.0.1:\(WireProtocol.defaultPort)"

    @Option(help: "Client id the server logs (at most 64 bytes).")
    var clientID = "holdfast-cli"

    @Option(
        help:
            "Bearer token (JWT, see `holdfast token create`) for the handshake (else --token-file, else env HOLDFAST_TOKEN)."
    )
    var token: String?

    @Option(help: "File holding the bearer token.")
    var tokenFile: String?

    @Option(help: "Seconds to wait for each reply.")
    var timeoutSeconds = 10.0

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        do {
            _ = try WireEndpoint(parsing: server)
        } catch {
            throw ValidationError("--server: \(error.description)")
        }
        guard timeoutSeconds > 0 else { throw ValidationError("--timeout-seconds must be above 0") }
    }

    /// The handshake token: --token, else --token-file (trimmed), else HOLDFAST_TOKEN, else none.
    func credentials() throws -> String {
        if let token { return token }
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ValidationError("cannot read token file \(tokenFile)")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ProcessInfo.processInfo.environment["HOLDFAST_TOKEN"] ?? ""
    }

    /// A client of `--server`, with a short retry policy suited to a person waiting.
    func makeClient() throws -> HoldfastClient {
        try HoldfastClient(
            server: server, clientID: clientID, credentials: credentials(), connections: 1,
            retry: RetryPolicy(maxAttempts: 3, backoffBaseSeconds: 0.05, backoffCapSeconds: 0.5),
            requestTimeoutSeconds: timeoutSeconds)
    }

    /// Connects, runs `body`, prints its report; on failure prints the error's
    /// stable name and code and exits with `ClientExitCode.of(error)`.
    func run<Report: OperatorReport>(_ body: (HoldfastClient) async throws(HoldfastClientError) -> Report) async throws
    {
        let client = try makeClient()
        let outcome: Result<Report, HoldfastClientError>
        do throws(HoldfastClientError) {
            outcome = .success(try await body(client))
        } catch {
            outcome = .failure(error)
        }
        await client.close()
        switch outcome {
        case .success(let report): print(json ? OperatorOutput.json(report) : report.table())
        case .failure(let error): throw fail(error)
        }
    }

    /// Prints `error` (JSON on standard output with --json, a line on standard
    /// error always) and returns the exit code to throw.
    func fail(_ error: HoldfastClientError) -> ExitCode {
        if json { print(OperatorOutput.json(ClientErrorReport(error))) }
        OperatorOutput.printError("Error: \(error.description)")
        return ExitCode(ClientExitCode.of(error))
    }
}

/// The store option of the commands that act on one store's data.
struct StoreOption: ParsableArguments {
    @Option(help: "Store the data belongs to.")
    var store: String
}

/// Exit codes of the client commands, so scripts can tell a refusal from an outage.
enum ClientExitCode {
    /// The engine refused the operation (insufficient stock, unknown id, …); nothing changed.
    static let engineRefusal: Int32 = 3
    /// The server could not be reached, refused the credentials, closed, or did not answer in time.
    static let connectionProblem: Int32 = 4
    /// The request or reply broke the protocol (too large, malformed, unexpected).
    static let protocolProblem: Int32 = 5
    /// The token does not allow the operation (ACCESS_DENIED, 510): role or store out of scope.
    static let accessDenied: Int32 = 6

    static func of(_ error: HoldfastClientError) -> Int32 {
        if error.isConnectionProblem { return connectionProblem }
        if error.isAccessDenied { return accessDenied }
        if case .engine = error { return engineRefusal }
        return protocolProblem
    }

    /// For `--help` texts.
    static let summary = """
        Exit status: 0 done; \(engineRefusal) refused by the engine (nothing changed); \(connectionProblem) \
        connection problem (unreachable, credentials refused, closed, timed out: the outcome may be unknown); \
        \(protocolProblem) protocol problem; \(accessDenied) access denied (the token's role or store does not \
        allow it; nothing changed); 64 bad arguments.
        """
}

/// An error as `--json` prints it.
struct ClientErrorReport: Encodable {
    struct Body: Encodable {
        var name: String
        var code: UInt16?
        var message: String
    }

    var error: Body

    init(_ error: HoldfastClientError) {
        self.error = Body(name: error.name, code: error.code, message: error.description)
    }
}
