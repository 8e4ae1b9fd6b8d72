extension HoldfastClient {
    /// A page of one shard's change stream: events with LSN after `afterLSN`,
    /// only `store`'s when given. Ask for the next page after `nextAfterLSN`
    /// (it moves on even when the store filter kept nothing). A follower whose
    /// position is below `page.oldestRetainedLSN − 1` has missed events.
    ///
    /// - Throws: `engine(.invalidArgument …)` for a shard the server does not have.
    public func events(shard: Int, after afterLSN: UInt64, limit: Int = 1_000, store: String? = nil)
        async throws(HoldfastClientError) -> EventsReply
    {
        guard (0...Int(UInt16.max)).contains(shard) else {
            throw .engine(.invalidArgument(field: "shard", reason: "shard \(shard) is out of range"))
        }
        guard (1...WireLimits.eventsPerPageMax).contains(limit) else {
            throw .engine(
                .invalidArgument(field: "limit", reason: "limit \(limit) is outside 1...\(WireLimits.eventsPerPageMax)")
            )
        }
        let request = EventsRequest(shard: shard, afterLSN: afterLSN, limit: limit, store: store)
        return try await session(.events, encode: request.encode(into:)) { try EventCodec.decodeReply(from: &$0) }
    }

    /// The server's and each shard's counters.
    public func stats() async throws(HoldfastClientError) -> ServerStats {
        try await session(.stats, encode: { _ in }) { try ServerStats.decode(from: &$0) }
    }

    /// One empty round trip.
    ///
    /// - Returns: how long it took, in nanoseconds.
    @discardableResult
    public func ping() async throws(HoldfastClientError) -> UInt64 {
        let start = ContinuousClock.now
        try await session(.ping, encode: { _ in }) { _ in () }
        let elapsed = ContinuousClock.now - start
        return UInt64(elapsed.components.seconds) * 1_000_000_000
            + UInt64(elapsed.components.attoseconds / 1_000_000_000)
    }

    /// Sends a one-item session request and decodes its one reply item; session
    /// requests change nothing, so they are repeated after any passing failure.
    private func session<Value>(
        _ operation: WireOperation, encode: (inout BinaryWriter) -> Void,
        decode: (inout BinaryReader) throws -> Value
    ) async throws(HoldfastClientError) -> Value {
        var attempt = 1
        while true {
            let outcome = await sessionAttempt(operation, encode: encode, decode: decode)
            guard case .failure(let error) = outcome, attempt < retry.maxAttempts, !pool.isShutDown,
                Self.isWorthRetrying(error, safeToRepeat: true)
            else { return try outcome.get() }
            await retry.sleep(afterAttempt: attempt)
            attempt += 1
        }
    }

    private func sessionAttempt<Value>(
        _ operation: WireOperation, encode: (inout BinaryWriter) -> Void,
        decode: (inout BinaryReader) throws -> Value
    ) async -> Result<Value, HoldfastClientError> {
        let connection: WireConnection
        do {
            connection = try await pool.connection()
        } catch {
            return .failure(error)
        }
        let reply = await connection.roundTrip(operation: operation, timeoutSeconds: requestTimeoutSeconds) { frames in
            frames.item(encode)
        }
        return reply.flatMap { frame in
            Result { () throws(HoldfastClientError) in
                try ReplyReading.single(frame, operation: operation, decode: decode)
            }
        }
    }
}
