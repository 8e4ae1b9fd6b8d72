import Engine

/// `/api/v1/stores/{store}/inventory…` and the store's location priority.
struct InventoryRoutes {
    let responder: CommandResponder

    func register(on stores: RouteGroup) {
        stores.get("inventory/{sku}") { _, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            return try responder.run(.getStock(StockQuery(store: store, sku: sku)), context)
        }
        stores.put("inventory/{sku}") { request, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            let body = try JSONBody.decode(SetStockBody.self, from: request)
            let command = SetStock(
                store: store, sku: sku, location: body.location, onHand: body.onHand, safetyStock: body.safetyStock,
                lowStockThreshold: body.lowStockThreshold, backorderLimit: body.backorderLimit,
                requestKey: try RequestParts.idempotencyKey(request))
            return try responder.run(.setStock(command), context)
        }
        stores.post("inventory/{sku}/adjust") { request, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            let body = try JSONBody.decode(AdjustStockBody.self, from: request)
            let command = AdjustStock(
                store: store, sku: sku, location: body.location, delta: body.delta, reason: body.reason,
                requestKey: try RequestParts.idempotencyKey(request))
            return try responder.run(.adjustStock(command), context)
        }
        stores.post("inventory/check") { request, context in
            let store = try RequestParts.path("store", context)
            let body = try JSONBody.decode(LinesBody.self, from: request)
            let query = AvailabilityQuery(store: store, lines: body.lines.map(\.request))
            return try responder.run(.checkAvailability(query), context)
        }
        stores.put("location-priority") { request, context in
            let store = try RequestParts.path("store", context)
            let body = try JSONBody.decode(LocationPriorityBody.self, from: request)
            let command = SetLocationPriority(
                store: store, locations: body.locations, requestKey: try RequestParts.idempotencyKey(request))
            return try responder.run(.setLocationPriority(command), context)
        }
    }
}
