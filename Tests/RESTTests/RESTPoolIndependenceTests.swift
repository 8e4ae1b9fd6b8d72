import Foundation
import Synchronization
import Testing

/// The REST server's own tasks (accepting, starting each connection) run on
/// its event loops, so threads of Swift's global pool that are all busy —
/// with CPU work another part of the process runs there — do not stop it.
@Suite("REST: serving while Swift's global pool is busy")
struct RESTPoolIndependenceTests {
    @Test("with every thread of the global pool spinning, a new connection is accepted and answered")
    func servesWhilePoolIsBusy() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let port = rest.port
        let probe = Probe()
        let spinners = ProcessInfo.processInfo.activeProcessorCount + 2
        // The client is a thread of its own: it asks once every pool thread is
        // taken, then lets the spinners go (at once if the answer never comes).
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(30)
            while probe.running.load(ordering: .acquiring) < ProcessInfo.processInfo.activeProcessorCount, Date() < deadline {
                usleep(1_000)
            }
            let result: String
            do {
                let connection = try RawConnection(port: port)
                try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                result = "status \(try connection.readResponse(timeoutSeconds: 30).status)"
            } catch {
                result = "\(error)"
            }
            probe.answer.withLock { $0 = result }
            probe.release.store(true, ordering: .releasing)
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<spinners {
                group.addTask {
                    probe.running.wrappingAdd(1, ordering: .releasing)
                    while !probe.release.load(ordering: .acquiring) {}
                }
            }
        }
        #expect(probe.answer.withLock { $0 } == "status 200")
    }

    /// What the client thread and the spinning tasks share.
    final class Probe: Sendable {
        let release = Atomic<Bool>(false)
        let running = Atomic<Int>(0)
        let answer = Mutex<String>("not asked")
    }
}
