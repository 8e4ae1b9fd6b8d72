import Foundation

/// Waits until `condition` holds — the readiness signal a test waits for —
/// checking every 20 ms, for at most `seconds`. The bound only ends a failing
/// test, so it is generous: a loaded machine can take seconds for a step.
func eventually(_ seconds: Double = 60, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
