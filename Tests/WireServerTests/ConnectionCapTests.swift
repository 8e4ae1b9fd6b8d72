import Foundation
import Testing
import Wire
import WireServer

@Suite("Wire server: the cap on open connections")
struct ConnectionCapTests {
    @Test("beyond connectionsMax a connection is closed at once and counted; a freed place is taken again")
    func capRefusesAndCounts() async throws {
        let server = try await TestServer(shards: 1) { $0.connectionsMax = 3 }
        var sockets = try (0..<3).map { try server.handshakenSocket(clientID: "c\($0)") }
        #expect(server.server.openConnections == 3)

        let refused = try RawSocket(port: server.port)
        let end = try await offCooperativePool { try refused.end() }
        #expect(end == .closed, "the connection over the cap is closed without a frame")
        #expect(await eventually { server.server.refusedConnections == 1 })
        #expect(server.server.openConnections == 3)

        // The others are served as before.
        try sockets[0].send(WireFrames.session(.ping, requestID: 7))
        #expect(try sockets[0].receiveFrame()?.header.requestID == 7)

        sockets.removeLast()  // closes it
        #expect(await eventually { server.server.openConnections == 2 })
        let admitted = try server.handshakenSocket(clientID: "again")
        try admitted.send(WireFrames.session(.ping, requestID: 8))
        #expect(try admitted.receiveFrame()?.header.requestID == 8)
        #expect(server.server.refusedConnections == 1)
        await server.stop()
    }

}
