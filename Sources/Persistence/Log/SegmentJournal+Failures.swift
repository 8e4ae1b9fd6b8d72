import Engine
import Foundation

/// Failure episodes: writes halt at the first failure, retries follow, and
/// writes resume at the first retry that succeeds. The owner hears of the
/// beginning and the end of each episode once (`JournalEvent`), not of every retry.
extension SegmentJournal {

    /// Halts writes for `failure`; reports it if it begins an episode.
    func halt(_ failure: JournalFailure) {
        condition.lock()
        let begins = haltReason == nil
        haltReason = failure.description
        statistics.failedWrites += 1
        metrics.countFailure()
        if begins {
            haltedSinceNanoseconds = DispatchTime.now().uptimeNanoseconds
            failedAttemptsInEpisode = 0
        }
        failedAttemptsInEpisode += 1
        retryDueNanoseconds = DispatchTime.now().uptimeNanoseconds + UInt64(options.retryIntervalMilliseconds) * 1_000_000
        condition.broadcast()
        condition.unlock()
        if begins { onEvent?(.writesHalted(failure)) }
    }

    /// Lets writes go on; reports the end of the episode, if there was one.
    func resume() {
        condition.lock()
        let ended = haltReason != nil
        let since = haltedSinceNanoseconds
        let attempts = failedAttemptsInEpisode
        haltReason = nil
        haltedSinceNanoseconds = nil
        failedAttemptsInEpisode = 0
        condition.broadcast()
        condition.unlock()
        guard ended else { return }
        let haltedSeconds = since.map { Double(DispatchTime.now().uptimeNanoseconds - $0) / 1e9 } ?? 0
        onEvent?(.writesResumed(shardIndex: shardIndex, haltedSeconds: haltedSeconds, failedAttempts: attempts))
    }

    func failCallbacks(of frames: [Frame], reason: String) {
        let error = JournalError(reason: reason)
        for frame in frames {
            for callback in frame.callbacks { callback(.failure(error)) }
        }
    }
}
