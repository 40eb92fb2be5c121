import CQTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc

/// `> FILE` onto something that is not a regular file is written in place, never replaced.
/// (Only a FIFO in a scratch folder is safe to test: a regression would replace `/dev/null`
/// with a regular file when run as root.)
@Suite struct SpecialFileTests {
  @Test func redirectToAFIFOWritesThroughItAndKeepsIt() throws {
    let dir = try ScratchFolder()
    let fifo = dir.file("fifo.csv").path
    try #require(mkfifo(fifo, 0o644) == 0)
    // A reader is waiting, so a writer that opens the FIFO does not block.
    let readEnd = open(fifo, O_RDONLY | O_NONBLOCK)
    try #require(readEnd >= 0)
    defer { close(readEnd) }
    let run = try cq(["-c", "revenue by brand > fifo.csv"], in: dir.url)
    var info = stat()
    let stillFIFO = lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
    var received = [UInt8](repeating: 0, count: 65536)
    let n = read(readEnd, &received, received.count)
    let text = n > 0 ? String(decoding: received[0..<n], as: UTF8.self) : ""
    #expect(run.status == 0, "\(run.stderr)")
    #expect(stillFIFO, "the FIFO was replaced by a regular file")
    #expect(text.hasPrefix("brand,revenue\n"), "the result went through the FIFO")
  }
}
#endif
