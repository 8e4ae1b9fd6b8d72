import Engine
import Wire

/// The items of a command reply, read for what a load test needs: whether each
/// operation succeeded, and if not, its error code. The frame's checksum and
/// item layout are checked by `Frame.itemRanges()`; an item's status byte and
/// error code are read in place, and only uncommon errors are decoded whole
/// (`Frame.replyOutcome`) for their names, so counting a million refusals
/// costs no allocations.
struct ReplyItems {
    enum Item: Equatable {
        case ok
        /// The engine or protocol error code of a refused operation.
        case refused(code: UInt16)
        /// The item is too short for its status, or the status is unknown.
        case unreadable
    }

    let frame: Frame
    let ranges: [Range<Int>]

    /// The error code of `insufficientStock`.
    static let insufficientStockCode: UInt16 = 300
    /// The error code of `busy`.
    static let busyCode: UInt16 = 400
    /// The error code of `journalFailure`: the operation may or may not have been applied.
    static let journalFailureCode: UInt16 = 402

    /// Reads a reply frame.
    ///
    /// - Throws: the frame-level error the reply carries (status ≠ 0), or the
    ///   protocol error that makes its body unreadable.
    init(_ frame: Frame) throws(WireError) {
        if frame.header.status != 0 { throw frame.frameError() }
        self.frame = frame
        ranges = try frame.itemRanges()
    }

    var count: Int { ranges.count }

    /// The outcome of item `index`.
    @inline(__always)
    func item(_ index: Int) -> Item {
        let range = ranges[index]
        return frame.body.withUnsafeBufferPointer { body in
            guard range.count >= 1 else { return .unreadable }
            switch body[range.lowerBound] {
            case ReplyStatus.ok.rawValue: return .ok
            case ReplyStatus.error.rawValue:
                guard range.count >= 3 else { return .unreadable }
                return .refused(code: UInt16(body[range.lowerBound + 1]) | UInt16(body[range.lowerBound + 2]) << 8)
            default: return .unreadable
            }
        }
    }

    /// The stable name of item `index`'s error, decoding it whole.
    func errorName(_ index: Int) -> String {
        guard let outcome = try? frame.replyOutcome(of: ranges[index], decodeResult: { _ in () }),
            case .failure(let error) = outcome
        else { return TransportFailure.unreadableReply }
        return error.name
    }

    /// Adds a refusal with `code` (item `index`) to `tally`.
    func countRefusal(code: UInt16, index: Int, into tally: inout OutcomeTally) {
        switch code {
        case Self.insufficientStockCode: tally.insufficientStock += 1
        case Self.busyCode: tally.busy += 1
        default: tally.addError(named: errorName(index))
        }
    }
}
