// The libFuzzer entry points of the wire frame fuzzer, built outside the
// package by scripts/fuzz-wire with `swiftc -sanitize=fuzzer,address` together
// with Engine, Wire, CHoldfastSupport and, from Tests/WireTests, the decoding
// check (FrameDecodingCheck) and the sample frames.
//
// Each input is one byte of mode and a frame (`FrameDecodingCheck.frame(fromFuzzInput:)`:
// an odd first byte makes the body length and checksums right, so mutations
// reach the item decoders). A frame that decodes but does not re-encode to the
// same bytes is a crash, and so a finding; refusals are fine.

#if canImport(Glibc)
    import Glibc
#endif
import Engine
import Wire

@_cdecl("LLVMFuzzerTestOneInput")
public func wireFrameFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let frame = FrameDecodingCheck.frame(fromFuzzInput: input)
    if case .differs(let difference) = FrameDecodingCheck.check(frame) {
        fatalError("a decoded frame does not re-encode to its bytes: \(difference)")
    }
    return 0
}

/// With `HOLDFAST_FUZZ_WRITE_SEEDS=<directory>`, writes the seed corpus (every
/// sample frame, in both modes) there and exits.
@_cdecl("LLVMFuzzerInitialize")
public func wireFrameFuzzerInitialize(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    guard let directory = getenv("HOLDFAST_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) else { return 0 }
    for (index, frame) in SampleFrames.all().enumerated() {
        for mode: UInt8 in [0, 1] {
            let path = "\(directory)/seed-\(index)-\(mode)"
            guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
            let bytes = [mode] + frame
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
    }
    exit(0)
}
