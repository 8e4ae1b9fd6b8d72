import Engine

/// `/api/v1/stores/{store}/prices/{sku}`: the store's price list, which prices
/// every order a customer makes. Setting and removing need a service role.
struct PriceRoutes {
    let responder: CommandResponder

    func register(on stores: RouteGroup) {
        stores.get("prices/{sku}") { _, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            return try responder.run(.getPrice(PriceQuery(store: store, sku: sku)), context)
        }
        stores.put("prices/{sku}") { request, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            let body = try JSONBody.decode(SetPriceBody.self, from: request)
            let command = SetPrice(
                store: store, sku: sku, currency: body.currency, unitPriceMinor: body.unitPriceMinor,
                requestKey: try RequestParts.idempotencyKey(request))
            return try responder.run(.setPrice(command), context)
        }
        stores.delete("prices/{sku}") { request, context in
            let store = try RequestParts.path("store", context)
            let sku = try RequestParts.path("sku", context)
            let command = SetPrice(
                store: store, sku: sku, currency: "", unitPriceMinor: nil,
                requestKey: try RequestParts.idempotencyKey(request))
            return try responder.run(.setPrice(command), context)
        }
    }
}

struct SetPriceBody: RequestBody {
    var currency: String
    var unitPriceMinor: Int64

    static let fieldNames: Set<String> = ["currency", "unitPriceMinor"]

    init(_ object: JSONObject) throws(Problem) {
        currency = try object.string("currency")
        unitPriceMinor = try object.integer("unitPriceMinor")
    }
}
