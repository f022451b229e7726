import FuzzDriver
import LeadLedgerCore

/// libFuzzer's entry point: one input per call. The target is chosen once (see
/// ``FuzzTarget/selected``); returning 0 tells libFuzzer the input was consumed.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.selected.run(bytes)
    return 0
}

/// libFuzzer's start-up hook. With `LEADLEDGER_FUZZ_WRITE_SEEDS` set to a corpus
/// directory it derives the seed corpora that have no fixture files of their own
/// (see ``SeedWriter``) and exits instead of fuzzing.
@_cdecl("LLVMFuzzerInitialize")
func fuzzInitialize(
    _ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> Int32 {
    SeedWriter.runIfRequested()
    return 0
}
