/*
 * The process entry of the fuzz binary. SwiftPM links a debug executable target
 * on Linux with `main` defined as `<module>_main` (so tests can link the module),
 * which leaves libFuzzer's own `main` out. This function is that `<module>_main`:
 * it hands the command line to libFuzzer's driver, with the Swift entry point
 * LLVMFuzzerTestOneInput (FuzzEntry.swift) as the callback.
 */
#include <stddef.h>
#include <stdint.h>
#include "FuzzDriver.h"

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int leadledger_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
