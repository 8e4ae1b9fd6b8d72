import Engine
import Foundation
import Testing

/// The client commands of the built `holdfast` binary against an in-process server.
@Suite("holdfast client commands", .serialized)
struct ClientCommandTests {
    @Test("stock set|adjust|priority|get|check: tables and JSON")
    func stock() async throws {
        let harness = try await ClientCommandHarness()
        let scope = harness.scoped()
        let set = try await harness.run(["stock", "set", "A", "--on-hand", "10"] + scope)
        #expect(set.status == 0)
        #expect(set.standardOutput.contains("default   10       0"))
        let east = try await harness.run(["stock", "set", "A@east", "--on-hand", "5", "--json"] + scope)
            .decode(ClientJSON.StockRecord.self)
        #expect(east.location == "east" && east.levels.onHand == 5 && !east.replayed)
        let adjusted = try await harness.run(
            ["stock", "adjust", "A", "--delta", "-3", "--request-key", "k1", "--json"] + scope
        )
        .decode(ClientJSON.StockRecord.self)
        #expect(adjusted.levels.onHand == 7)
        let again = try await harness.run(["stock", "adjust", "A", "--delta", "-3", "--request-key", "k1", "--json"] + scope)
            .decode(ClientJSON.StockRecord.self)
        #expect(again.replayed && again.levels.onHand == 7)
        let priority = try await harness.run(["stock", "priority", "east"] + scope)
        #expect(
            priority.standardOutput.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } == [
                "#  location", "1  east", "2  default",
            ])
        let stock = try await harness.run(["stock", "get", "A", "--json"] + scope).decode(ClientJSON.Stock.self)
        #expect(stock.locations.map(\.location) == ["east", "default"] && stock.totals.onHand == 12)
        let table = try await harness.run(["stock", "get", "A"] + scope).standardOutput
        #expect(table.contains("TOTAL     12"))
        let check = try await harness.run(["stock", "check", "A:12", "A@east:6"] + scope)
        #expect(check.status == 0)
        let rows = check.standardOutput.split(separator: "\n").dropFirst().map {
            $0.split(separator: " ").map(String.init)
        }
        #expect(rows == [["A", "any", "12", "12", "yes"], ["A", "east", "6", "5", "NO"]])
        await harness.stop()
    }

    @Test("price set|get|remove: the list a customer's order is priced from")
    func prices() async throws {
        let harness = try await ClientCommandHarness()
        let scope = harness.scoped()
        _ = try await harness.run(["stock", "set", "A", "--on-hand", "10"] + scope)
        let set = try await harness.run(["price", "set", "A", "--currency", "EUR", "--unit-price-minor", "1999"] + scope)
        #expect(set.status == 0 && set.standardOutput.contains("1999 EUR"))
        struct Price: Decodable {
            var listed: Bool
            var currency: String?
            var unitPriceMinor: Int64?
        }
        let shown = try await harness.run(["price", "get", "A", "--json"] + scope).decode(Price.self)
        #expect(shown.listed && shown.currency == "EUR" && shown.unitPriceMinor == 1_999)
        let removed = try await harness.run(["price", "remove", "A"] + scope)
        #expect(removed.status == 0 && removed.standardOutput.contains("not listed"))
        let unknown = try await harness.run(["price", "set", "B", "--currency", "EUR", "--unit-price-minor", "1"] + scope)
        #expect(unknown.status == 3, "an engine refusal: unknown SKU")
        await harness.stop()
    }

    @Test("reservation create|extend|get|confirm|release")
    func reservations() async throws {
        let harness = try await ClientCommandHarness()
        let scope = harness.scoped()
        _ = try await harness.run(["stock", "set", "A", "--on-hand", "10"] + scope)
        let created = try await harness.run(
            ["reservation", "create", "r1", "A:4", "--owner", "ann", "--ttl-seconds", "60", "--json"] + scope
        )
        .decode(ClientJSON.Reservation.self)
        #expect(created.status == "active" && created.owner == "ann")
        let extended = try await harness.run(["reservation", "extend", "r1", "--ttl-seconds", "600", "--json"] + scope)
            .decode(ClientJSON.Reservation.self)
        #expect(extended.deadlineNanoseconds > created.deadlineNanoseconds)
        let shown = try await harness.run(["reservation", "get", "r1"] + scope).standardOutput
        #expect(shown.contains("reservation:    r1") && shown.contains("A    default   4"))
        let order = try await harness.run(
            [
                "reservation", "confirm", "r1", "--order-id", "o1", "--customer", "ann", "--currency", "EUR", "--price",
                "A:250", "--json",
            ]
                + scope
        ).decode(ClientJSON.Order.self)
        #expect(order.orderID == "o1" && order.reservationID == "r1" && order.totals.totalMinor == 1_000)
        _ = try await harness.run(["reservation", "create", "r2", "A:1"] + scope)
        let released = try await harness.run(["reservation", "release", "r2", "--json"] + scope).decode(
            ClientJSON.Reservation.self)
        #expect(released.status == "released")
        await harness.stop()
    }

    @Test("cart configure|add|set|remove|get|clear|checkout")
    func carts() async throws {
        let harness = try await ClientCommandHarness()
        let scope = harness.scoped()
        _ = try await harness.run(["stock", "set", "A", "--on-hand", "10"] + scope)
        _ = try await harness.run(["stock", "set", "B", "--on-hand", "10"] + scope)
        let configured = try await harness.run(
            ["cart", "configure", "c1", "--customer", "bob", "--hold-stock", "--json"] + scope
        )
        .decode(ClientJSON.Cart.self)
        #expect(configured.holdStock && configured.lines.isEmpty)
        let added = try await harness.run(["cart", "add", "c1", "A:1", "B:2", "--json"] + scope).decode(ClientJSON.Cart.self)
        #expect(added.lines == [.init(sku: "A", quantity: 1), .init(sku: "B", quantity: 2)])
        let set = try await harness.run(["cart", "set", "c1", "A:3", "--json"] + scope).decode(ClientJSON.Cart.self)
        #expect(set.lines.first { $0.sku == "A" }?.quantity == 3)
        let removed = try await harness.run(["cart", "remove", "c1", "B", "--json"] + scope).decode(ClientJSON.Cart.self)
        #expect(removed.lines == [.init(sku: "A", quantity: 3)])
        #expect(try await harness.run(["cart", "get", "c1"] + scope).standardOutput.contains("holds stock: yes"))
        let cleared = try await harness.run(["cart", "clear", "c1"] + scope)
        #expect(cleared.status == 0 && cleared.standardOutput.contains("(no lines)"))
        _ = try await harness.run(["cart", "add", "c1", "B:2"] + scope)
        let order = try await harness.run(
            [
                "cart", "checkout", "c1", "--order-id", "oc", "--customer", "bob", "--currency", "EUR", "--price",
                "B:100", "--json",
            ]
                + scope
        ).decode(ClientJSON.Order.self)
        #expect(order.orderID == "oc" && order.totals.totalMinor == 200)
        await harness.stop()
    }

    @Test("order place|pay|fulfill|cancel|get|list")
    func orders() async throws {
        let harness = try await ClientCommandHarness()
        let scope = harness.scoped()
        _ = try await harness.run(["stock", "set", "A", "--on-hand", "10"] + scope)
        for id in ["o1", "o2", "o3"] {
            let placed = try await harness.run(
                [
                    "order", "place", id, "A:1:500", "--customer", "cy", "--currency", "USD", "--tax-minor", "50",
                    "--json",
                ] + scope
            ).decode(ClientJSON.Order.self)
            #expect(placed.status == "placed" && placed.totals.totalMinor == 550 && placed.totals.currency == "USD")
        }
        #expect(
            try await harness.run(["order", "pay", "o1", "--json"] + scope).decode(ClientJSON.Order.self).status == "paid")
        #expect(
            try await harness.run(["order", "fulfill", "o1", "--json"] + scope).decode(ClientJSON.Order.self).status
                == "fulfilled")
        #expect(
            try await harness.run(["order", "cancel", "o2", "--json"] + scope).decode(ClientJSON.Order.self).status
                == "cancelled")
        #expect(try await harness.run(["order", "get", "o1"] + scope).standardOutput.contains("status:       fulfilled"))
        let page = try await harness.run(["order", "list", "--customer", "cy", "--limit", "2", "--json"] + scope)
            .decode(ClientJSON.OrderPage.self)
        #expect(page.orders.map(\.orderID) == ["o1", "o2"] && page.nextAfterOrderID == "o2")
        let rest = try await harness.run(["order", "list", "--customer", "cy", "--after", "o2"] + scope).standardOutput
        #expect(rest.contains("o3") && !rest.contains("more:"))
        await harness.stop()
    }

    @Test("events tail prints a store's events, follows pages, and JSON lines; stats")
    func eventsAndStats() async throws {
        let harness = try await ClientCommandHarness(shards: 3)
        let scope = harness.scoped()
        _ = try await harness.run(["stock", "set", "A", "--on-hand", "10"] + scope)
        for index in 0..<5 { _ = try await harness.run(["reservation", "create", "r\(index)", "A:1"] + scope) }
        let tail = try await harness.run(["events", "tail", "--store", "eu", "--page-size", "2"] + harness.serverOption)
        #expect(tail.status == 0)
        let placed = tail.standardOutput.split(separator: "\n").filter { $0.contains("reservationPlaced") }
        #expect(placed.count == 5)
        let json = try await harness.run(
            ["events", "tail", "--store", "eu", "--max-events", "3", "--json"] + harness.serverOption)
        let lines = try json.standardOutput.split(separator: "\n").map {
            try JSONDecoder().decode(ClientJSON.EventLine.self, from: Data($0.utf8))
        }
        #expect(lines.count == 3 && lines.allSatisfy { $0.store == "eu" } && lines.first?.lsn == 1)
        let shard = harness.runtime.shardIndex(forStore: "eu")
        let wrongShard = try await harness.run(
            ["events", "tail", "--store", "eu", "--shard", "\((shard + 1) % 3)"] + harness.serverOption)
        #expect(wrongShard.status == 3 && wrongShard.standardError.contains("INVALID_ARGUMENT"))
        let stats = try await harness.run(["stats", "--json"] + harness.serverOption).decode(ClientJSON.Stats.self)
        #expect(stats.serverName == "holdfast" && stats.shards.count == 3 && stats.connectionsOpen == 1)
        #expect(stats.shards[shard].newestEventLSN == 6)
        await harness.stop()
    }

    @Test("a follower behind the retained events is warned and continues")
    func eventsBehind() async throws {
        let harness = try await ClientCommandHarness(shards: 1, limits: Limits(retainedEventsPerShardMax: 8))
        let scope = harness.scoped()
        for index in 0..<10 { _ = try await harness.run(["stock", "set", "S\(index)", "--on-hand", "1"] + scope) }
        let tail = try await harness.run(["events", "tail", "--shard", "0", "--json"] + harness.serverOption)
        #expect(tail.status == 0)
        #expect(tail.standardError.contains("warning: fell behind: events after LSN 0"))
        let lsns = try tail.standardOutput.split(separator: "\n").map {
            try JSONDecoder().decode(ClientJSON.EventLine.self, from: Data($0.utf8)).lsn
        }
        #expect(lsns.last == 10 && (lsns.first ?? 0) > 1)
        await harness.stop()
    }
}
