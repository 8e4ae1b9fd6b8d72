import Auth
import Engine
import Foundation
import Testing

/// Exit codes and error output of the client commands.
@Suite("holdfast client commands: errors and connections", .serialized)
struct ClientCommandErrorTests {
    @Test("an engine refusal prints its name and code and exits 3; --json prints it as an object")
    func engineRefusal() async throws {
        let harness = try await ClientCommandHarness()
        let scope = harness.scoped()
        _ = try await harness.run(["stock", "set", "A", "--on-hand", "2"] + scope)
        let refused = try await harness.run(["reservation", "create", "r1", "A:5"] + scope)
        #expect(refused.status == 3)
        #expect(refused.standardOutput.isEmpty)
        #expect(
            refused.standardError.contains(
                "Error: INSUFFICIENT_STOCK (300): insufficient stock for 'A': requested 5, available 2"))
        let json = try await harness.run(["reservation", "get", "nope", "--json"] + scope)
        #expect(json.status == 3)
        let failure = try json.decode(ClientJSON.Failure.self)
        #expect(failure.error.name == "UNKNOWN_RESERVATION" && failure.error.code == 203)
        await harness.stop()
    }

    @Test("no server is a connection problem: exit 4, CONNECT_FAILED")
    func noServer() async throws {
        let harness = try await ClientCommandHarness()
        let port = harness.port
        await harness.stop()
        let run = try await harness.run(["stats", "--server", "127.0.0.1:\(port)"])
        #expect(run.status == 4)
        #expect(run.standardError.contains("CONNECT_FAILED"))
    }

    @Test("bad arguments exit 64 with a message naming the form")
    func badArguments() async throws {
        let harness = try await ClientCommandHarness()
        let badLine = try await harness.run(["reservation", "create", "r1", "A:many"] + harness.scoped())
        #expect(badLine.status == 64 && badLine.standardError.contains("SKU[@LOCATION]:QTY"))
        let badServer = try await harness.run(["stats", "--server", "host:99999"])
        #expect(badServer.status == 64 && badServer.standardError.contains("--server"))
        let noStore = try await harness.run(["stock", "get", "A"] + harness.serverOption)
        #expect(noStore.status == 64 && noStore.standardError.contains("--store"))
        await harness.stop()
    }

    @Test("credentials: refused token exits 4; --token, --token-file and HOLDFAST_TOKEN are presented")
    func credentials() async throws {
        let secret = Array("client-command-tests-secret-0123456789".utf8)
        let harness = try await ClientCommandHarness { configuration in
            configuration.authenticator = .tokens(TokenVerifier(keys: try! TokenKeys(hmacSecret: secret)))
        }
        let now = Int64(Date().timeIntervalSince1970)
        let admin = try TokenIssuer.hs256(
            subject: "ops", role: .admin, store: "*", ttlSeconds: 600, now: now, secret: secret)
        let refused = try await harness.run(["stats", "--token", "wrong"] + harness.serverOption)
        #expect(refused.status == 4 && refused.standardError.contains("AUTHENTICATION_FAILED (506)"))
        #expect(refused.standardError.contains("malformed token"))
        #expect(try await harness.run(["stats", "--token", admin] + harness.serverOption).status == 0)
        let file = NSTemporaryDirectory() + "holdfast-token-\(UUID().uuidString.prefix(8))"
        try "\(admin)\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await harness.run(["stats", "--token-file", file] + harness.serverOption).status == 0)
        #expect(try await harness.run(["stats"] + harness.serverOption, environment: ["HOLDFAST_TOKEN": admin]).status == 0)
        try? FileManager.default.removeItem(atPath: file)

        // A customer token: its stock set is ACCESS_DENIED (exit 6), its stock get works.
        let customer = try TokenIssuer.hs256(
            subject: "c1", role: .customer, store: "eu", ttlSeconds: 600, now: now, secret: secret)
        _ = try await harness.run(["stock", "set", "A", "--on-hand", "2", "--token", admin] + harness.scoped())
        let denied = try await harness.run(["stock", "set", "A", "--on-hand", "9", "--token", customer] + harness.scoped())
        #expect(denied.status == 6)
        #expect(denied.standardError.contains("ACCESS_DENIED (510): role customer may not setStock"))
        let deniedJSON = try await harness.run(
            ["stock", "set", "A", "--on-hand", "9", "--json", "--token", customer] + harness.scoped())
        let failure = try deniedJSON.decode(ClientJSON.Failure.self)
        #expect(failure.error.name == "ACCESS_DENIED" && failure.error.code == 510)
        #expect(try await harness.run(["stock", "get", "A", "--token", customer] + harness.scoped()).status == 0)
        await harness.stop()
    }

    @Test("--server unix:/path talks over a Unix domain socket")
    func unixSocket() async throws {
        let path = NSTemporaryDirectory() + "holdfast-cli-\(UUID().uuidString.prefix(8)).sock"
        let harness = try await ClientCommandHarness { $0.unixSocketPath = path }
        let set = try await harness.run([
            "stock", "set", "A", "--on-hand", "3", "--server", "unix:" + path, "--store", "eu", "--json",
        ])
        #expect(set.status == 0)
        #expect(try set.decode(ClientJSON.StockRecord.self).levels.onHand == 3)
        await harness.stop()
        try? FileManager.default.removeItem(atPath: path)
    }
}
