import Foundation
import Observability
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The REST listener bounds its connections: request heads must come in
/// time, idle connections are closed, and beyond the cap connections are
/// closed at once. Closure is observed on the client socket (EOF or reset).
@Suite("REST: connection time-outs and cap")
struct RESTConnectionTests {
    @Test("idle and slowloris connections are closed by the head time-out, kept-alive ones by the idle time-out")
    func timeouts() async throws {
        let descriptorLimit = Self.raiseDescriptorLimit()
        let idleCount = min(2_000, (descriptorLimit - 1_000) / 2)
        let rest = try await RESTHarness.start { configuration in
            configuration.headerTimeoutSeconds = 2
            configuration.idleTimeoutSeconds = 4
        }
        defer { Task { await rest.stop() } }
        let metrics = rest.server.connectionMetrics

        // Connecting blocks while the listener's backlog is full; not on a cooperative thread.
        let port = rest.port
        let silent = try await RawConnection.blocking { try (0..<idleCount).map { _ in try RawConnection(port: port) } }
        let slowloris = try await RawConnection.blocking { try (0..<200).map { _ in try RawConnection(port: port) } }
        let stillOpen = try await RawConnection.blocking { () throws -> (silent: Int, slowloris: Int, states: String) in
            for connection in slowloris { try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n") }
            let slowlorisOpen = Self.trickleUntilClosed(slowloris, timeoutSeconds: 60)
            var silentOpen = silent.filter { !$0.waitForClose(timeoutSeconds: 0) }
            if RawConnection.waitForClose(silentOpen, timeoutSeconds: 60) == 0 { silentOpen = [] }
            silentOpen = silentOpen.filter { !$0.waitForClose(timeoutSeconds: 0) }
            let states = RawConnection.kernelStates(slowlorisOpen + silentOpen, serverPort: port)
            return (silentOpen.count, slowlorisOpen.count, states)
        }
        #expect(stillOpen.silent == 0 && stillOpen.slowloris == 0,
                "\(stillOpen.silent) + \(stillOpen.slowloris) of \(idleCount) + 200 still open; \(stillOpen.states); accept errors: \(metrics.acceptErrors.value), open: \(metrics.open)")
        #expect(metrics.headerTimeouts.value >= UInt64(idleCount + 200))

        let timeoutsBefore = metrics.headerTimeouts.value
        let keptAliveOpen = try await RawConnection.blocking { () throws -> Int in
            var keptAlive: [RawConnection] = []
            for _ in 0..<20 {
                let connection = try RawConnection(port: port)
                try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                guard try connection.readResponse().status == 200 else { return -1 }
                keptAlive.append(connection)
            }
            return RawConnection.waitForClose(keptAlive, timeoutSeconds: 60)
        }
        #expect(keptAliveOpen == 0)
        #expect(metrics.headerTimeouts.value == timeoutsBefore, "kept-alive connections closed by the idle time-out")
        #expect(try await rest.send("GET", "/healthz").status == 200)
    }

    @Test("beyond the cap a connection is closed at once and counted; below it again, clients are served")
    func cap() async throws {
        let registry = MetricsRegistry()
        let rest = try await RESTHarness.start { configuration in
            configuration.connectionsMax = 50
            configuration.headerTimeoutSeconds = 300
            configuration.metrics = try! HTTPMetrics(registry: registry)
            configuration.metricsText = { registry.render() }
        }
        defer { Task { await rest.stop() } }
        let metrics = rest.server.connectionMetrics
        let admitted = try (0..<50).map { _ in try rest.connect() }
        #expect(await Self.eventually { metrics.open == 50 }, "open: \(metrics.open)")
        let beyond = try (0..<10).map { _ in try rest.connect() }
        let beyondOpen = try await RawConnection.blocking { RawConnection.waitForClose(beyond, timeoutSeconds: 30) }
        #expect(beyondOpen == 0)
        #expect(metrics.refusedByCap.value == 10 && metrics.open == 50)

        let first = admitted[0]
        try first.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let exposition = try await RawConnection.blocking { try first.readResponse() }.text
        first.finish()
        #expect(exposition.contains("holdfast_rest_connections_open 50\n"), "\(exposition)")
        #expect(exposition.contains("holdfast_rest_connections_refused_total 10\n"))
        #expect(await Self.eventually { metrics.open == 49 }, "open: \(metrics.open)")
        let fresh = try rest.connect()
        let reply = try await RawConnection.blocking { () throws -> RawResponse in
            try fresh.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return try fresh.readResponse()
        }
        #expect(reply.status == 200)
        withExtendedLifetime(admitted) {}
    }

    /// Sends one more header byte to every open connection every 200 ms until
    /// the server has closed them all; returns those still open at the end.
    static func trickleUntilClosed(_ connections: [RawConnection], timeoutSeconds: Double) -> [RawConnection] {
        var open = connections
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while !open.isEmpty, Date() < deadline {
            for connection in open { try? connection.send("X") }
            let stillOpen = RawConnection.waitForClose(open, timeoutSeconds: 0.2)
            if stillOpen < open.count { open = open.filter { !$0.waitForClose(timeoutSeconds: 0) } }
        }
        return open
    }

    /// Raises this process's soft descriptor limit to its hard limit; returns the soft limit.
    static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        return Int(min(limit.rlim_cur, 1 << 20))
    }

    /// Waits (up to 30 s) for `condition`, checking every 10 ms.
    static func eventually(_ condition: @Sendable () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
