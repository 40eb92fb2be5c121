import Foundation

/// The result of running the real `cq` binary.
public struct CQRun: Sendable {
  public var stdout: String
  public var stderr: String
  public var status: Int32
}

/// Paths the tests need.
public enum TestPaths {
  /// The package root (the folder holding Package.swift).
  public static func packageRoot(filePath: String = #filePath) -> URL {
    var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    while url.path != "/" {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
      url.deleteLastPathComponent()
    }
    fatalError("Package.swift not found above \(filePath)")
  }

  /// The built `cq` executable: `$CQ_BIN`, else next to the test bundle, else `.build/debug/cq`.
  public static var cqBinary: URL {
    if let env = ProcessInfo.processInfo.environment["CQ_BIN"], !env.isEmpty {
      return URL(fileURLWithPath: env)
    }
    var dir = Bundle.main.bundleURL
    for _ in 0..<3 {
      let candidate = dir.appendingPathComponent("cq")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir.deleteLastPathComponent()
    }
    return packageRoot().appendingPathComponent(".build/debug/cq")
  }

  /// The bundled data folder.
  public static var bundledData: URL { packageRoot().appendingPathComponent("data") }
}

/// Runs `cq` with `arguments`, feeding `stdin` (or nothing), with a clean environment
/// (`NO_COLOR`/`CQ_DATA` unset unless given, `HOME` a temporary folder so no `~/.cqrc` or
/// history leaks in).
public func runCQ(
  _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
  currentDirectory: URL? = nil
) throws -> CQRun {
  let process = Process()
  process.executableURL = TestPaths.cqBinary
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  env.removeValue(forKey: "CQ_DATA")
  env.removeValue(forKey: "NO_COLOR")
  let home = FileManager.default.temporaryDirectory.appendingPathComponent(
    "cq-home-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: home) }
  env["HOME"] = home.path
  env["XDG_STATE_HOME"] = home.path
  for (k, v) in environment { env[k] = v }
  process.environment = env
  if let currentDirectory { process.currentDirectoryURL = currentDirectory }
  let outPipe = Pipe()
  let errPipe = Pipe()
  let inPipe = Pipe()
  process.standardOutput = outPipe
  process.standardError = errPipe
  process.standardInput = inPipe
  try process.run()
  if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
  try inPipe.fileHandleForWriting.close()
  // Read both pipes concurrently so a full pipe never blocks the child.
  nonisolated(unsafe) var errData = Data()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async {
    errData = errPipe.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return CQRun(
    stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self),
    status: process.terminationStatus)
}
