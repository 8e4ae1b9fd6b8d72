import Engine

/// `/api/v1/stores/{store}/orders…`.
struct OrderRoutes {
    let responder: CommandResponder

    func register(on stores: RouteGroup) {
        stores.post("orders") { request, context in
            let store = try RequestParts.path("store", context)
            let body = try JSONBody.decode(PlaceOrderBody.self, from: request)
            let orderID = RequestParts.entityID(
                body: body.orderID, key: try RequestParts.idempotencyKey(request), prefix: "ord-")
            let command = PlaceOrder(
                store: store, orderID: orderID, customerID: body.customerID,
                lines: body.lines.map {
                    PricedLineRequest(
                        sku: $0.sku, location: $0.location, quantity: $0.quantity, unitPriceMinor: $0.unitPriceMinor)
                },
                currency: body.currency, taxMinor: body.taxMinor ?? 0, shippingMinor: body.shippingMinor ?? 0,
                discountMinor: body.discountMinor ?? 0)
            let location = "/api/v1/stores/\(PathSegment.encode(store))/orders/\(PathSegment.encode(orderID))"
            return try responder.run(.placeOrder(command), context, createdAt: location)
        }
        stores.get("orders") { request, context in
            let store = try RequestParts.path("store", context)
            guard let customer = try RequestParts.query("customer", request) else {
                throw Problem.malformed("query parameter 'customer' is required")
            }
            let limit = try RequestParts.integer("limit", request, in: 1...Limits.orderPageSizeMax)
            let query = OrderListQuery(
                store: store, customerID: customer, afterOrderID: try RequestParts.query("after", request),
                limit: limit ?? Limits.orderPageSizeDefault)
            return try responder.run(.listOrders(query), context)
        }
        stores.get("orders/{id}") { _, context in
            let store = try RequestParts.path("store", context)
            let id = try RequestParts.path("id", context)
            return try responder.run(.getOrder(OrderReference(store: store, orderID: id)), context)
        }
        for (action, make) in Self.transitions {
            stores.post("orders/{id}/\(action)") { request, context in
                let transition = OrderTransition(
                    store: try RequestParts.path("store", context), orderID: try RequestParts.path("id", context),
                    requestKey: try RequestParts.idempotencyKey(request))
                return try responder.run(make(transition), context)
            }
        }
    }

    private static let transitions: [(String, @Sendable (OrderTransition) -> Command)] = [
        ("pay", { .payOrder($0) }), ("fulfill", { .fulfillOrder($0) }), ("cancel", { .cancelOrder($0) }),
    ]
}
