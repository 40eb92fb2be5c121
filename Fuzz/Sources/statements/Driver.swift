// The process entry point when SwiftPM links this executable with `--defsym main=statements_main`
// (debug builds on Linux rename an executable's `main` so tests can link it): hand over to
// libFuzzer's driver. When `main` is not renamed (release), libFuzzer's own `main` runs and
// this function is unused. Either way libFuzzer calls `LLVMFuzzerTestOneInput`.

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("statements_main")
public func statementsMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  var argc = argc
  var argv = argv
  return runFuzzerDriver(&argc, &argv) { data, size in
    // An empty input may come without an address: any valid pointer will do for 0 bytes.
    guard let data else { return withUnsafePointer(to: UInt8(0)) { fuzz($0, 0) } }
    return fuzz(data, size)
  }
}
