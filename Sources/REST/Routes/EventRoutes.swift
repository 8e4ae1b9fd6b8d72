import Engine

/// `GET /api/v1/stores/{store}/events?after={lsn}&limit={n}`: the store's change stream.
struct EventRoutes {
    let backend: RESTBackend

    static let pageSizeMax = 1_000
    static let pageSizeDefault = 100

    func register(on stores: RouteGroup) {
        stores.get("events") { request, context in
            let store = try RequestParts.path("store", context)
            if let error = EngineError.checkStoreID(store) { throw Problem(error) }
            try Access.authorizeEvents(store: store, context)
            let after = try RequestParts.integer("after", request, in: 0...UInt64(Int64.max)) ?? 0
            let limit = try RequestParts.integer("limit", request, in: 1...Self.pageSizeMax) ?? Self.pageSizeDefault
            let page = try backend.events(store: store, after: after, limit: limit)
            return .response(.json(JSONOutput.encode(page)))
        }
    }
}
