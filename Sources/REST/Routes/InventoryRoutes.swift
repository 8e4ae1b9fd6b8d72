import Engine
import Hummingbird

/// `/api/v1/stores/{store}/inventory…` and the store's location priority.
struct InventoryRoutes {
    let responder: CommandResponder

    func register(on stores: RouterGroup<RESTContext>) {
        stores.get("inventory/:sku") { _, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            return try await responder.run(.getStock(StockQuery(store: store, sku: sku)), context)
        }
        stores.put("inventory/:sku") { request, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            let body = try await JSONBody.decode(SetStockBody.self, from: request)
            let command = SetStock(
                store: store, sku: sku, location: body.location, onHand: body.onHand, safetyStock: body.safetyStock,
                lowStockThreshold: body.lowStockThreshold, backorderLimit: body.backorderLimit,
                requestKey: try RequestParts.idempotencyKey(request))
            return try await responder.run(.setStock(command), context)
        }
        stores.post("inventory/:sku/adjust") { request, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            let body = try await JSONBody.decode(AdjustStockBody.self, from: request)
            let command = AdjustStock(
                store: store, sku: sku, location: body.location, delta: body.delta, reason: body.reason,
                requestKey: try RequestParts.idempotencyKey(request))
            return try await responder.run(.adjustStock(command), context)
        }
        stores.post("inventory/check") { request, context in
            let store = try RequestParts.path("store", context)
            let body = try await JSONBody.decode(LinesBody.self, from: request)
            let query = AvailabilityQuery(store: store, lines: body.lines.map(\.request))
            return try await responder.run(.checkAvailability(query), context)
        }
        stores.put("location-priority") { request, context in
            let store = try RequestParts.path("store", context)
            let body = try await JSONBody.decode(LocationPriorityBody.self, from: request)
            let command = SetLocationPriority(
                store: store, locations: body.locations, requestKey: try RequestParts.idempotencyKey(request))
            return try await responder.run(.setLocationPriority(command), context)
        }
    }
}
