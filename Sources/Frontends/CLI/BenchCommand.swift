import ArgumentParser
import Foundation
import HoldfastClient

/// `holdfast bench`: load over the wire protocol, with latency, throughput and
/// a proof that nothing was oversold.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load a server over the wire protocol, measure it, and prove nothing was oversold.",
        discussion: """
            Workloads: hot (every reservation on one SKU: the flash sale), uniform and zipf (one unit \
            of a SKU of --skus), cart3 (three distinct SKUs, all or nothing), funnel (customers through \
            cart or reservation, checkout or confirm, pay and fulfil, or give up). The catalog is loaded \
            into a fresh store, then --warmup (not recorded), then --duration measured. Closed loop by \
            default: each of --connections keeps --in-flight frames of --batch operations in flight. \
            With --rate, an open loop: operations are due at a fixed rate and latency is measured from \
            when each was due. At the end the stock of every SKU touched is read back and checked \
            against what the client saw granted; the exit status is 1 if the check fails. The run's \
            reservations are then released (--keep-reservations to keep them): a shard holds at most \
            4,000,000 active reservations.
            """)

    @Argument(help: "hot, uniform, zipf, cart3 or funnel (or --workload).")
    var workloadArgument: String?

    @Option(name: .customLong("workload"), help: "hot, uniform, zipf, cart3 or funnel.")
    var workloadOption: String?

    @Option(help: "Server: host:port, :port or unix:/path.")
    var server = "127.0.0.1:7420"

    @Option(
        help:
            "Bearer token (JWT) for the handshake (default: $HOLDFAST_TOKEN); an admin token for store '*', as runs use fresh stores."
    )
    var token: String?

    @Option(help: "Store to use (default: a fresh bench-<random> store, so runs never interfere).")
    var store: String?

    @Option(help: "Seed of the workload's random choices (default: random; printed in the report).")
    var seed: UInt64?

    @Option(help: "SKUs in the catalog (uniform, zipf, cart3, funnel).")
    var skus = 100_000

    @Option(help: "Units on hand of each SKU (default: 1,000,000 for hot, 30 otherwise).")
    var stock: Int64?

    @Option(name: .customLong("zipf-s"), help: "Zipf exponent (zipf, funnel; 0 is uniform).")
    var zipfExponent = 0.99

    @Option(help: "Connections.")
    var connections = 4

    @Option(name: .customLong("in-flight"), help: "Frames in flight per connection (open loop: at most).")
    var inFlight = 8

    @Option(help: "Operations per frame (1 = one operation per request, pipelined).")
    var batch = 1

    @Option(help: "Open loop: offered operations per second over all connections.")
    var rate: Double?

    @Option(help: "Warm-up, not recorded (e.g. 1s, 500ms).")
    var warmup = "1s"

    @Option(help: "Measured time (e.g. 10s, 1m).")
    var duration = "10s"

    @Option(help: "Client event-loop threads.")
    var threads = 1

    @Option(help: "Reservation TTL in seconds (long, so none expires during a run).")
    var ttl: Int64 = 3_600

    @Option(help: "Funnel: chance a customer gives up before buying.")
    var abandon = 0.2

    @Option(help: "Funnel: chance an order is cancelled instead of paid.")
    var cancel = 0.1

    @Flag(help: "Keep the run's reservations instead of releasing them after the check.")
    var keepReservations = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Also write the JSON report to this file.")
    var output: String?

    func validate() throws {
        let configuration = try makeConfiguration()
        let problems = configuration.problems()
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
        _ = try parseEndpoint()
    }

    func run() async throws {
        let say = { @Sendable (message: String) in FileHandle.standardError.write(Data("\(message)\n".utf8)) }
        let quiet: @Sendable (String) -> Void = { _ in }
        let credentials = token ?? ProcessInfo.processInfo.environment["HOLDFAST_TOKEN"] ?? ""
        let runner = BenchRunner(
            configuration: try makeConfiguration(), endpoint: try parseEndpoint(), credentials: credentials,
            threads: threads, progress: json ? quiet : say)
        let report: BenchReport
        do {
            report = try await runner.run()
        } catch {
            say("holdfast bench: \(error)")
            throw ExitCode(2)
        }
        print(json ? report.json() : report.table())
        if let output {
            do {
                try Data((report.json() + "\n").utf8).write(to: URL(fileURLWithPath: output))
            } catch {
                say("holdfast bench: could not write \(output): \(error)")
                throw ExitCode(2)
            }
        }
        if !report.passed { throw ExitCode(1) }
    }

    private func makeConfiguration() throws -> BenchConfiguration {
        let name = workloadArgument ?? workloadOption ?? BenchConfiguration.Workload.hot.rawValue
        guard let workload = BenchConfiguration.Workload(rawValue: name) else {
            throw ValidationError("unknown workload \(name); one of hot, uniform, zipf, cart3, funnel")
        }
        guard let warmupSeconds = BenchCommand.seconds(warmup) else {
            throw ValidationError("--warmup: cannot read \(warmup)")
        }
        guard let durationSeconds = BenchCommand.seconds(duration) else {
            throw ValidationError("--duration: cannot read \(duration)")
        }
        var configuration = BenchConfiguration()
        configuration.workload = workload
        configuration.store = store ?? BenchCommand.freshStoreName()
        configuration.seed = seed ?? UInt64.random(in: 1...UInt64(UInt32.max))
        configuration.skuCount = skus
        configuration.stockPerSKU = stock ?? (workload == .hot ? 1_000_000 : 30)
        configuration.zipfExponent = zipfExponent
        configuration.connections = connections
        configuration.framesInFlight = inFlight
        configuration.batchSize = batch
        configuration.targetRate = rate
        configuration.warmupSeconds = warmupSeconds
        configuration.durationSeconds = durationSeconds
        configuration.reservationTTLSeconds = ttl
        configuration.abandonProbability = abandon
        configuration.cancelProbability = cancel
        configuration.releaseAtEnd = !keepReservations
        return configuration
    }

    private func parseEndpoint() throws -> WireEndpoint {
        do {
            return try WireEndpoint(parsing: server)
        } catch {
            throw ValidationError("--server: \(error)")
        }
    }

    /// A store name no earlier run used: `bench-` and 12 random hexadecimal digits.
    static func freshStoreName() -> String {
        let digits = String(UInt64.random(in: 0..<(1 << 48)), radix: 16)
        return "bench-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// Seconds in `text`: a number with an optional unit (ms, s, m, h); nil if unreadable.
    static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let value = Double(text.dropLast(unit.suffix.count)), value.isFinite, value >= 0 else { return nil }
            return value * unit.seconds
        }
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        return value
    }
}
