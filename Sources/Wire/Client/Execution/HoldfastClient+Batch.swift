extension HoldfastClient {
    /// Runs many commands with as few frames as the server's limits allow:
    /// consecutive commands of one operation go in one frame of at most
    /// `itemsPerFrameMax` commands (a frame over `frameBytesMax` is split), and
    /// all frames are in flight at once.
    ///
    /// Commands of different frames may run in any order relative to each other
    /// (and on different shards); put dependent commands in separate calls.
    ///
    /// - Returns: one outcome per command, in the order of `batch`.
    public func execute(batch: [Command]) async -> [ClientOutcome] {
        guard !batch.isEmpty else { return [] }
        let itemsPerFrameMax = await currentItemsPerFrameMax()
        let chunks = Self.frameChunks(of: batch, itemsPerFrameMax: itemsPerFrameMax)
        if chunks.count == 1 { return await executeFrame(batch) }
        return await withTaskGroup(of: (Range<Int>, [ClientOutcome]).self) { group in
            for range in chunks {
                group.addTask { (range, await self.executeFrame(Array(batch[range]))) }
            }
            var outcomes = [ClientOutcome](repeating: .failure(.connectionClosed), count: batch.count)
            for await (range, chunkOutcomes) in group {
                outcomes.replaceSubrange(range, with: chunkOutcomes)
            }
            return outcomes
        }
    }

    /// Places many reservations in as few frames as allowed.
    ///
    /// - Returns: per reservation, in order, its view or why it failed.
    public func reserve(batch: [Reserve]) async -> [Result<ReservationView, HoldfastClientError>] {
        let outcomes = await execute(batch: batch.map(Command.reserve))
        return outcomes.map { outcome in
            outcome.flatMap { result in
                guard case .reservation(let view) = result else {
                    return .failure(.unexpectedReply("reserve answered \(result.kindName)"))
                }
                return .success(view)
            }
        }
    }

    /// The ranges of `batch` that go in one frame each: runs of one operation,
    /// cut at `itemsPerFrameMax`.
    static func frameChunks(of batch: [Command], itemsPerFrameMax: Int) -> [Range<Int>] {
        precondition(itemsPerFrameMax >= 1)
        var chunks: [Range<Int>] = []
        var start = 0
        while start < batch.count {
            let operation = WireOperation(of: batch[start])
            var end = start + 1
            while end < batch.count, end - start < itemsPerFrameMax, WireOperation(of: batch[end]) == operation {
                end += 1
            }
            chunks.append(start..<end)
            start = end
        }
        return chunks
    }

    /// The server's items-per-frame limit, from a connection (the standard
    /// limit when none can be opened now; the frames then report the failure).
    private func currentItemsPerFrameMax() async -> Int {
        do {
            return try await pool.connection().helloReply.limits.itemsPerFrameMax
        } catch {
            return WireLimits.standard.itemsPerFrameMax
        }
    }
}
