#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A closure handed to a POSIX thread.
private final class ThreadJob {
  let body: () -> Void
  init(_ body: @escaping () -> Void) { self.body = body }
}

/// Runs `first` on the calling thread and `second` on a new thread; returns when both are done.
///
/// The two closures must touch disjoint mutable state (the loader gives each chunk its own
/// table and dictionary snapshots). Runs `second` after `first` when no thread can be created.
func runConcurrently(_ first: () -> Void, _ second: () -> Void) {
  withoutActuallyEscaping(second) { second in
    let job = Unmanaged.passRetained(ThreadJob(second))
    #if canImport(Darwin)
    var thread: pthread_t?
    #else
    var thread = pthread_t()
    #endif
    let status = pthread_create(
      &thread, nil,
      { context in
        if let context { Unmanaged<ThreadJob>.fromOpaque(context).takeRetainedValue().body() }
        return nil
      }, job.toOpaque())
    first()
    if status == 0 {
      #if canImport(Darwin)
      if let thread { pthread_join(thread, nil) }
      #else
      pthread_join(thread, nil)
      #endif
    } else {
      job.takeRetainedValue().body()
    }
  }
}
