import Auth
import Engine
import Foundation
import HoldfastClient
import Synchronization
import Testing
import Wire
import WireServer

/// JWT handshakes and per-operation access checks over real connections.
@Suite("wire authentication and access")
struct AccessTests {
    /// The records the server hands to `onAccessDenied`.
    final class DeniedLog: Sendable {
        private let records = Mutex<[AccessDeniedRecord]>([])
        func append(_ record: AccessDeniedRecord) { records.withLock { $0.append(record) } }
        var all: [AccessDeniedRecord] { records.withLock { $0 } }
    }

    private func server(log: DeniedLog, authenticator: Authenticator = TestTokens.authenticator) async throws
        -> TestServer
    {
        try await TestServer {
            $0.authenticator = authenticator
            $0.onAccessDenied = { log.append($0) }
        }
    }

    private func client(_ server: TestServer, _ token: String) -> HoldfastClient {
        HoldfastClient(
            endpoint: .tcp(host: "127.0.0.1", port: server.port), clientID: "access-tests", credentials: token)
    }

    @Test("no, bad and expired tokens are refused with 506 and reported")
    func refusedHandshakes() async throws {
        let log = DeniedLog()
        let server = try await server(log: log)
        let expired = try TokenIssuer.hs256(
            subject: "late", role: .admin, store: "*", ttlSeconds: 60,
            now: Int64(Date().timeIntervalSince1970) - 3_600, secret: TestTokens.secret)
        let forged = try TokenIssuer.hs256(
            subject: "mallory", role: .admin, store: "*", ttlSeconds: 60, now: Int64(Date().timeIntervalSince1970),
            secret: Array("a-different-secret-0123456789abcdefgh".utf8))
        let cases: [(String, String)] = [
            ("", "no bearer token"), ("not-a-jwt", "malformed token"), (expired, "token has expired"),
            (forged, "signature does not verify"),
        ]
        for (token, reason) in cases {
            let socket = try RawSocket(port: server.port)
            try socket.send(WireFrames.hello(clientID: "who", credentials: token))
            let frame = try #require(try socket.receiveFrame())
            #expect(frame.header.status == ProtocolErrorCode.authenticationFailed.rawValue)
            #expect(socket.isClosedByServer())
            let refused = client(server, token)
            do {
                try await refused.connect()
                Issue.record("a bad token must be refused")
            } catch {
                #expect(error.code == 506 && error.description.contains(reason))
                #expect(!error.description.contains(token) || token.isEmpty)
            }
            await refused.close()
        }
        let records = log.all
        #expect(records.count == 8)
        for record in records {
            #expect(record.kind == .authentication && record.httpStatus == 401 && record.operation == "hello")
            #expect(record.principal == nil && record.peerAddress?.contains("127.0.0.1") == true)
            #expect(!record.reason.contains(forged) && !record.reason.contains(expired))
        }
        #expect(records.first?.clientID == "who")
        await server.stop()
    }

    @Test("a customer's setStock gets 510 while its reserve works on the same connection")
    func customerCannotSetStock() async throws {
        let log = DeniedLog()
        let server = try await server(log: log)
        let admin = client(server, TestTokens.token())
        _ = try await admin.execute(WireFrames.setStock(store: "s1", onHand: 10))
        let customer = client(server, TestTokens.token(role: .customer, store: "s1", subject: "c1"))
        do {
            _ = try await customer.execute(WireFrames.setStock(store: "s1", onHand: 1_000))
            Issue.record("a customer must not set stock")
        } catch {
            #expect(error == .protocolError(.accessDenied, "role customer may not setStock"))
            #expect(error.code == 510 && !error.isConnectionProblem)
        }
        let reserved = try await customer.execute(WireFrames.reserve(store: "s1", id: "r1", quantity: 3))
        guard case .reservation(let reservation) = reserved else { throw TestFailure("expected a reservation") }
        #expect(reservation.reservationID == "r1")
        let record = try #require(log.all.first)
        #expect(record.kind == .authorization && record.httpStatus == 403 && record.operation == "setStock")
        #expect(
            record.principal?.subject == "c1" && record.principal?.role == .customer
                && record.clientID == "access-tests")
        await customer.close()
        await admin.close()
        await server.stop()
    }

    @Test("in one frame, denied items get 510 and the others run")
    func mixedFrame() async throws {
        let log = DeniedLog()
        let server = try await server(log: log)
        let socket = try server.handshakenSocket(credentials: TestTokens.token(role: .inventoryManager, store: "s1"))
        try socket.send(
            WireFrames.commands(
                [
                    WireFrames.setStock(store: "s1", onHand: 5), WireFrames.setStock(store: "s2", onHand: 5),
                    WireFrames.setStock(store: "s1", sku: "sku-2", onHand: 5),
                    WireFrames.setStock(store: "s2", sku: "sku-2", onHand: 5),
                ], requestID: 9))
        let outcomes = try socket.outcomes()
        #expect(outcomes.count == 4)
        #expect((try? outcomes[0].get()) != nil && (try? outcomes[2].get()) != nil)
        for index in [1, 3] {
            guard case .failure(.protocolViolation(.accessDenied, let reason)) = outcomes[index] else {
                Issue.record("item \(index): expected ACCESS_DENIED, got \(outcomes[index])")
                continue
            }
            #expect(reason.contains("store 's1'") && reason.contains("store 's2'"))
        }
        #expect(log.all.count == 1 && log.all.first?.deniedItems == 2)
        // The connection stays open.
        try socket.send(WireFrames.commands([WireFrames.reserve(store: "s1", id: "r3")], requestID: 10))
        #expect(try socket.outcomes().count == 1)
        await server.stop()
    }

    @Test("a store-A token cannot touch store B; events of another store and stats are refused")
    func storeScope() async throws {
        let log = DeniedLog()
        let server = try await server(log: log)
        let manager = client(server, TestTokens.token(role: .inventoryManager, store: "a"))
        _ = try await manager.execute(WireFrames.setStock(store: "a", onHand: 3))
        await #expect(
            throws: HoldfastClientError.protocolError(
                .accessDenied, "a token for store 'a' may not setStock in store 'b'")
        ) {
            _ = try await manager.execute(WireFrames.setStock(store: "b", onHand: 3))
        }
        let shardOfA = try await manager.shard(ofStore: "a")
        let page = try await manager.events(shard: shardOfA, after: 0, store: "a")
        #expect(!page.page.events.isEmpty && page.page.events.allSatisfy { $0.store == "a" })
        await #expect(
            throws: HoldfastClientError.protocolError(
                .accessDenied, "a token for store 'a' may not events in store 'b'")
        ) {
            _ = try await manager.events(shard: 0, after: 0, store: "b")
        }
        await #expect(
            throws: HoldfastClientError.protocolError(
                .accessDenied, "a token for store 'a' must name its store to read events")
        ) {
            _ = try await manager.events(shard: 0, after: 0)
        }
        await #expect(
            throws: HoldfastClientError.protocolError(
                .accessDenied, "role inventory_manager may not read node-wide stats")
        ) {
            _ = try await manager.stats()
        }
        let admin = client(server, TestTokens.token())
        _ = try await admin.stats()
        _ = try await admin.events(shard: 0, after: 0)
        #expect(log.all.map(\.operation) == ["setStock", "events", "events", "stats"])
        await manager.close()
        await admin.close()
        await server.stop()
    }

    @Test("an RS256 token works end to end")
    func rs256() async throws {
        let keys = try TokenIssuer.generateRSAKeyPair()
        let authenticator = Authenticator.tokens(TokenVerifier(keys: try TokenKeys(rsaPublicKeyPEM: keys.publicKeyPEM)))
        let log = DeniedLog()
        let server = try await server(log: log, authenticator: authenticator)
        let token = try TokenIssuer.rs256(
            subject: "ops", role: .admin, store: "*", ttlSeconds: 600, now: Int64(Date().timeIntervalSince1970),
            privateKeyPEM: keys.privateKeyPEM)
        let admin = client(server, token)
        guard case .stockRecord(let record) = try await admin.execute(WireFrames.setStock(store: "x", onHand: 4)) else {
            throw TestFailure("expected a stock record")
        }
        #expect(record.levels.onHand == 4)
        _ = try await admin.stats()
        let hsToken = client(server, TestTokens.token())
        await #expect(throws: HoldfastClientError.self) { try await hsToken.connect() }
        #expect(log.all.map(\.reason) == ["unsupported token algorithm 'HS256'"])
        await hsToken.close()
        await admin.close()
        await server.stop()
    }

    @Test("a token that expires during the connection stops allowing operations")
    func expiryDuringConnection() async throws {
        final class Clock: Sendable {
            let seconds = Atomic<Int64>(Int64(Date().timeIntervalSince1970))
        }
        let clock = Clock()
        let log = DeniedLog()
        let server = try await TestServer {
            $0.authenticator = TestTokens.authenticator
            $0.onAccessDenied = { log.append($0) }
            $0.unixTimeSeconds = { clock.seconds.load(ordering: .relaxed) }
        }
        let socket = try server.handshakenSocket(credentials: TestTokens.token(ttlSeconds: 60))
        try socket.send(WireFrames.commands([WireFrames.setStock(onHand: 1)], requestID: 2))
        #expect((try? socket.outcomes().first?.get()) != nil)
        // Past exp and the leeway, counted from now (after the token was made), so
        // a slow machine between the token and this line cannot keep it valid.
        clock.seconds.store(Int64(Date().timeIntervalSince1970) + 60 + 30 + 5, ordering: .relaxed)
        try socket.send(WireFrames.commands([WireFrames.setStock(onHand: 1)], requestID: 3))
        let outcome = try #require(try socket.outcomes().first)
        #expect(
            outcome == .failure(.protocolViolation(.accessDenied, "the token expired; reconnect with a fresh token")))
        await server.stop()
    }
}

extension RawSocket {
    /// The outcomes of the next reply frame.
    func outcomes() throws -> [Result<CommandResult, WireError>] {
        guard let frame = try receiveFrame() else { throw TestFailure("the server closed the connection") }
        return try frame.outcomes()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
