/// The outcome of one command as the client reports it.
public typealias ClientOutcome = Result<CommandResult, HoldfastClientError>

extension HoldfastClient {
    /// Runs any command (but `advanceTime`) and returns its result.
    ///
    /// - Throws: `engine(…)` when the engine refuses it; connection and protocol
    ///   errors after the retries `retry` allows.
    public func execute(_ command: Command) async throws(HoldfastClientError) -> CommandResult {
        try await executeFrame([command])[0].get()
    }

    /// Runs commands of one operation in one frame (the caller keeps to the
    /// server's limits), retrying per `retry`: items refused with `busy` are sent
    /// again on their own; after a lost connection, the commands safe to repeat
    /// are. A frame the server's limits refuse is split in halves.
    ///
    /// - Returns: one outcome per command, in order.
    func executeFrame(_ commands: [Command]) async -> [ClientOutcome] {
        precondition(!commands.isEmpty, "a frame carries at least one command")
        if let refusal = Self.localRefusal(of: commands[0]) { return commands.map { _ in .failure(refusal) } }
        var outcomes = [ClientOutcome?](repeating: nil, count: commands.count)
        var remaining = Array(commands.indices)
        var attempt = 1
        while !remaining.isEmpty {
            let sent = remaining.map { commands[$0] }
            var again: [Int] = []
            switch await sendCommandFrame(sent) {
            case .success(let itemOutcomes):
                for (index, outcome) in zip(remaining, itemOutcomes) {
                    outcomes[index] = outcome
                    if case .failure(let error) = outcome,
                        Self.isWorthRetrying(error, safeToRepeat: commands[index].isSafeToRepeat)
                    {
                        again.append(index)
                    }
                }
            case .failure(.requestTooLarge) where sent.count > 1:
                let halves = await splitInHalves(sent)
                for (index, outcome) in zip(remaining, halves) { outcomes[index] = outcome }
            case .failure(let error):
                for index in remaining {
                    outcomes[index] = .failure(error)
                    if Self.isWorthRetrying(error, safeToRepeat: commands[index].isSafeToRepeat) { again.append(index) }
                }
            }
            guard !again.isEmpty, attempt < retry.maxAttempts, !pool.isShutDown else { break }
            await retry.sleep(afterAttempt: attempt)
            attempt += 1
            remaining = again
        }
        return outcomes.map { $0! }
    }

    /// Sends one frame of commands once: the per-item outcomes, or why the whole frame failed.
    func sendCommandFrame(_ commands: [Command]) async -> Result<[ClientOutcome], HoldfastClientError> {
        let connection: WireConnection
        do {
            connection = try await pool.connection()
        } catch {
            return .failure(error)
        }
        let operation = WireOperation(of: commands[0])
        let reply = await connection.roundTrip(operation: operation, timeoutSeconds: requestTimeoutSeconds) { frames in
            for command in commands {
                frames.item { writer in CommandCodec.encodePayload(of: command, into: &writer) }
            }
        }
        return reply.flatMap { frame in
            Result { () throws(HoldfastClientError) in
                try ReplyReading.commandOutcomes(frame, operation: operation, itemCount: commands.count)
            }
        }
    }

    /// Runs the two halves of a frame too large for the server, concurrently.
    private func splitInHalves(_ commands: [Command]) async -> [ClientOutcome] {
        let middle = commands.count / 2
        async let front = executeFrame(Array(commands[..<middle]))
        let back = await executeFrame(Array(commands[middle...]))
        return await front + back
    }

    /// Whether a failed command may be sent again: `busy` and failed connects
    /// always (nothing happened), a lost connection only if the command is safe to repeat.
    static func isWorthRetrying(_ error: HoldfastClientError, safeToRepeat: Bool) -> Bool {
        switch error {
        case .engine(.busy), .connectFailed: true
        case .connectionClosed: safeToRepeat
        default: false
        }
    }

    /// Why a command cannot be sent at all, if it cannot.
    static func localRefusal(of command: Command) -> HoldfastClientError? {
        guard WireOperation(of: command).commandTag == nil else { return nil }
        return .engine(.invalidArgument(field: "command", reason: "advanceTime is issued by the server only"))
    }
}
