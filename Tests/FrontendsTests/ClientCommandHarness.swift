import Engine
import Foundation
import Wire
import WireServer

/// An in-memory engine behind a wire server in this process, and the built
/// `holdfast` binary run against it as a child process.
final class ClientCommandHarness: Sendable {
    let runtime: ShardRuntime
    let server: WireServer
    let port: Int
    let binary: String

    /// What one run of the binary printed, and how it exited.
    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String

        /// Standard output as JSON of type `Value`.
        func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
            try JSONDecoder().decode(type, from: Data(standardOutput.utf8))
        }
    }

    init(
        shards: Int = 2, limits: Limits = .standard, configure: (inout WireServerConfiguration) -> Void = { _ in }
    ) async throws {
        binary = try CrashTests.holdfastBinary()
        runtime = ShardRuntime(shardCount: shards, limits: limits)
        var configuration = WireServerConfiguration()
        configuration.port = 0
        // A child process's connect and hello can be seconds apart on a loaded machine.
        configuration.handshakeTimeoutSeconds = 300
        configure(&configuration)
        server = WireServer(runtime: runtime, configuration: configuration)
        try await server.start()
        port = server.boundTCPPort ?? 0
    }

    func stop() async {
        await server.shutdown()
        runtime.shutdown()
    }

    /// `--server 127.0.0.1:<port>` and `--store`, for the data commands.
    func scoped(_ store: String = "eu") -> [String] { ["--server", "127.0.0.1:\(port)", "--store", store] }

    /// `--server 127.0.0.1:<port>` alone.
    var serverOption: [String] { ["--server", "127.0.0.1:\(port)"] }

    /// Runs `holdfast <arguments>` and waits for it to exit.
    /// Runs `holdfast` with `arguments` and waits for it on a thread of its
    /// own, so the test's task does not hold one of the cooperative pool's
    /// threads (two on this machine) while the child runs.
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.runWaiting(arguments, environment: environment) }) }.start()
        }
    }

    private func runWaiting(_ arguments: [String], environment: [String: String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "HOLDFAST_TOKEN")
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let reading = DispatchGroup()
        nonisolated(unsafe) var outputData = Data()
        nonisolated(unsafe) var errorData = Data()
        DispatchQueue.global().async(group: reading) { outputData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: reading) { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        reading.wait()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}

/// Decoding targets for the commands' `--json` output (only the fields the tests check).
enum ClientJSON {
    struct Levels: Decodable {
        var onHand: Int64
        var reserved: Int64
        var committed: Int64
        var available: Int64
    }

    struct StockRecord: Decodable {
        var sku: String
        var location: String
        var levels: Levels
        var replayed: Bool
    }

    struct Stock: Decodable {
        struct Location: Decodable {
            var location: String
            var levels: Levels
        }

        var sku: String
        var locations: [Location]
        var totals: Levels
    }

    struct Reservation: Decodable {
        var reservationID: String
        var status: String
        var owner: String?
        var deadlineNanoseconds: Int64
        var orderID: String?
        var replayed: Bool
    }

    struct Cart: Decodable {
        struct Line: Decodable, Equatable {
            var sku: String
            var quantity: Int64
        }

        var cartID: String
        var lines: [Line]
        var holdStock: Bool
    }

    struct Order: Decodable {
        struct Totals: Decodable {
            var totalMinor: Int64
            var currency: String
        }

        var orderID: String
        var status: String
        var totals: Totals
        var reservationID: String?
    }

    struct OrderPage: Decodable {
        var orders: [Order]
        var nextAfterOrderID: String?
    }

    struct Failure: Decodable {
        struct Body: Decodable {
            var name: String
            var code: UInt16?
            var message: String
        }

        var error: Body
    }

    struct EventLine: Decodable {
        var lsn: UInt64
        var store: String
        var kind: String
        var reservationID: String?
    }

    struct Stats: Decodable {
        struct Shard: Decodable {
            var shard: Int
            var newestEventLSN: UInt64
        }

        var serverName: String
        var connectionsOpen: Int
        var shards: [Shard]
    }
}
