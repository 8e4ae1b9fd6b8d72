import CURing
import Engine

/// Whether this kernel and sandbox let the process create an io_uring. The
/// journal (next step of Persistence) falls back to pwrite + fdatasync when not.
public enum IOURingProbe {
    /// Tries to set up a small ring; returns nil on success, or the reason it failed.
    public static func unavailableReason() -> String? {
        var ring = io_uring()
        let result = io_uring_queue_init(8, &ring, 0)
        if result < 0 {
            return "io_uring_queue_init failed with errno \(-result)"
        }
        io_uring_queue_exit(&ring)
        return nil
    }
}
