import Engine

/// `/api/v1/stores/{store}/carts/{cart}…`.
struct CartRoutes {
    let responder: CommandResponder

    func register(on stores: RouteGroup) {
        stores.get("carts/{cart}") { _, context in
            try responder.run(.getCart(try Self.reference(context)), context)
        }
        stores.put("carts/{cart}") { request, context in
            let cart = try Self.reference(context)
            let body = try JSONBody.decode(ConfigureCartBody.self, from: request)
            let command = ConfigureCart(
                store: cart.store, cartID: cart.cartID, customerID: body.customerID, holdStock: body.holdStock ?? false,
                holdTTLSeconds: body.holdTTLSeconds ?? Limits.cartHoldTTLDefaultSeconds)
            return try responder.run(.configureCart(command), context)
        }
        stores.delete("carts/{cart}") { _, context in
            let cart = try Self.reference(context)
            return try responder.run(.clearCart(cart), context)
        }
        stores.post("carts/{cart}/items") { request, context in
            let cart = try Self.reference(context)
            let body = try JSONBody.decode(AddCartItemBody.self, from: request)
            let command = AddCartItem(
                store: cart.store, cartID: cart.cartID, sku: body.sku, quantity: body.quantity,
                requestKey: try RequestParts.idempotencyKey(request))
            return try responder.run(.addCartItem(command), context)
        }
        stores.put("carts/{cart}/items/{sku}") { request, context in
            let cart = try Self.reference(context)
            let sku = try RequestParts.path("sku", context)
            let body = try JSONBody.decode(SetCartItemBody.self, from: request)
            let command = SetCartItem(store: cart.store, cartID: cart.cartID, sku: sku, quantity: body.quantity)
            return try responder.run(.setCartItem(command), context)
        }
        stores.delete("carts/{cart}/items/{sku}") { _, context in
            let cart = try Self.reference(context)
            let sku = try RequestParts.path("sku", context)
            return try responder.run(.removeCartItem(RemoveCartItem(store: cart.store, cartID: cart.cartID, sku: sku)), context)
        }
        stores.post("carts/{cart}/checkout") { request, context in
            let cart = try Self.reference(context)
            let body = try JSONBody.decode(OrderTermsBody.self, from: request)
            let orderID = RequestParts.entityID(
                body: body.orderID, key: try RequestParts.idempotencyKey(request), prefix: "ord-")
            let command = CheckoutCart(store: cart.store, cartID: cart.cartID, terms: body.terms(orderID: orderID))
            let location = "/api/v1/stores/\(PathSegment.encode(cart.store))/orders/\(PathSegment.encode(orderID))"
            return try responder.run(.checkoutCart(command), context, createdAt: location)
        }
    }

    private static func reference(_ context: RESTContext) throws -> CartReference {
        CartReference(store: try RequestParts.path("store", context), cartID: try RequestParts.path("cart", context))
    }
}
