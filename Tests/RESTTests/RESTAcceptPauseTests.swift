import Foundation
import Observability
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Out of file descriptors, the listener pauses accepting instead of spinning
/// on a socket that stays readable. Run in a child process (an exit test),
/// since it lowers the process's descriptor limit.
@Suite("REST: accepting when out of file descriptors")
struct RESTAcceptPauseTests {
    @Test(
        "at the descriptor limit the process stays idle, counts the failures, and serves again once descriptors are free"
    )
    func pausesAtDescriptorLimit() async {
        await #expect(processExitsWith: .success) {
            try await RESTAcceptPauseTests.runAtDescriptorLimit()
        }
    }

    static func runAtDescriptorLimit() async throws {
        let rest = try await RESTHarness.start()
        let metrics = rest.server.connectionMetrics
        try await Task.sleep(for: .milliseconds(1))  // the runtime's timer set up while descriptors are free
        let originalLimit = lowerDescriptorLimit(headroom: 48)
        // Connect until this process has no descriptor left: the server cannot
        // accept the connections still waiting in its backlog.
        var clients: [RawConnection] = []
        while clients.count < 1_000, let client = try? rest.connect() { clients.append(client) }
        let failure = measureAtLimit(metrics: rest.server.connectionMetrics, clientCount: clients.count)
        for client in clients { client.finish() }
        clients.removeAll()
        setDescriptorLimit(originalLimit)
        if let failure { fail(failure) }
        let served = await RESTConnectionTests.eventually {
            guard let connection = try? RawConnection(port: rest.port) else { return false }
            try? connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return (try? connection.readResponse(timeoutSeconds: 5))?.status == 200
        }
        guard served else {
            fail("not served once descriptors were free (\(metrics.acceptErrors.value) accept errors)")
        }
    }

    /// Why the listener misbehaves while accepts fail, or nil: the process
    /// must stay almost idle, and the failures be counted. Waits with `usleep`,
    /// not `Task.sleep`: at the descriptor limit the concurrency runtime's
    /// timers (libdispatch) may fail to get the descriptor they need and trap.
    static func measureAtLimit(metrics: HTTPConnectionMetrics, clientCount: Int) -> String? {
        usleep(500_000)  // the server accepts what it can, then accept fails
        let cpuBefore = processCPUSeconds()
        usleep(2_000_000)
        let cpuSeconds = processCPUSeconds() - cpuBefore
        guard cpuSeconds < 0.25 else { return "\(cpuSeconds) s of CPU in 2 s at the descriptor limit" }
        guard metrics.open < clientCount else { return "all \(clientCount) clients accepted: no limit reached" }
        let errors = metrics.acceptErrors.value
        guard errors > 0 else { return "no accept failure counted (\(clientCount) clients)" }
        guard errors < 50 else { return "\(errors) accept failures in 2.5 s: not paused" }
        return nil
    }

    /// Sets the soft descriptor limit to the descriptors open now plus
    /// `headroom`; returns the limit it replaced.
    static func lowerDescriptorLimit(headroom: Int) -> rlimit {
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 64
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        let original = limit
        limit.rlim_cur = rlim_t(open + headroom)
        setDescriptorLimit(limit)
        return original
    }

    static func setDescriptorLimit(_ limit: rlimit) {
        var limit = limit
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    static func fail(_ reason: String) -> Never {
        let message = Array("accept pause: \(reason)\n".utf8)
        _ = message.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        exit(EXIT_FAILURE)
    }
}
